using System.Globalization;
using MixAug.Training;
using Spectre.Console;

namespace MixAug.Train;

/// <summary>
/// Shows progress: a Spectre.Console progress bar with ETA on an interactive terminal, and one plain line per epoch
/// otherwise (CI logs, redirected output), so logs stay readable.
/// </summary>
internal sealed class ProgressReporter(string mix, int epochs, int stepsPerEpoch, TextWriter output) : ITrainingCallback
{
    private ProgressTask? _task;

    public TrainingResult Run(Func<TrainingResult> train)
    {
        if (!AnsiConsole.Profile.Capabilities.Interactive || Console.IsOutputRedirected || output != Console.Out)
        {
            return train();
        }

        TrainingResult result = null!;
        AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context =>
            {
                _task = context.AddTask($"{mix}", maxValue: epochs * (double)stepsPerEpoch);
                result = train();
                _task.Value = _task.MaxValue;
            });
        return result;
    }

    public void OnStep(StepReport step)
    {
        if (_task is not null)
        {
            _task.Increment(1);
            _task.Description = string.Create(CultureInfo.InvariantCulture, $"{mix} epoch {step.Epoch + 1}/{epochs} loss {step.Loss:F3}");
        }
    }

    public bool OnEpoch(EpochReport epoch)
    {
        EvaluationResult e = epoch.Evaluation!;
        string line = string.Create(
            CultureInfo.InvariantCulture,
            $"{mix} epoch {epoch.Epoch + 1}/{epochs}: train loss {epoch.TrainLoss:F4}, train accuracy {epoch.TrainAccuracy:P2}, test accuracy {e.Accuracy:P2}, test loss {e.CrossEntropy:F4}, ECE {e.ExpectedCalibrationError:F4}, {epoch.Seconds:F1} s");
        if (_task is not null)
        {
            AnsiConsole.MarkupLine(Markup.Escape(line));
        }
        else
        {
            output.WriteLine(line);
        }

        return true;
    }
}
