using System.Globalization;
using System.Text.Json;
using MixAug.Planning;
using MixAug.Samples.CommandLine;
using MixAug.TorchSharp.Features;
using MixAug.Train.Data;
using MixAug.Train.Segmentation;
using MixAug.Train.Summary;
using MixAug.Training;
using MixAug.Training.Optimizers;
using MixAug.Training.Steps;
using MixAug.Transforms;
using Spectre.Console;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train;

/// <summary>The training sample: parses the command line, trains one mix or compares them all, and writes the results.</summary>
internal static class TrainApp
{
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var command = new TrainCommand();
        command.Root.SetAction(parse => Run(command.Bind(parse), stdout, stderr));
        command.Root.Subcommands.Add(new SummarizeCommand(stdout).Command);
        command.Root.Subcommands.Add(new SegmentCommand(stdout, stderr).Command);
        return CommandLineRunner.Run(command.Root, args, stdout, stderr);
    }

    private static int Run(TrainOptions options, TextWriter stdout, TextWriter stderr)
    {
        if (!options.Compare && options.Model is string chosen && !TrainModels.Fits(options.Mix, chosen))
        {
            stderr.WriteLine($"error: {TrainModels.Misfit(options.Mix, chosen)}");
            return CommandLineRunner.BadArguments;
        }

        FashionMnist? data = TryLoad(options.Data, options.Limit, stderr);
        if (data is null)
        {
            return CommandLineRunner.BadArguments;
        }

        // No TorchSharpRuntime.EnsureLoadable() here: the module initializer of build/MixAug.TorchSharp.targets ran it
        // before Main, as it does in every application that references the MixAug.TorchSharp package.
        torch.set_num_threads(Environment.ProcessorCount);
        stdout.WriteLine($"Fashion-MNIST: {data.Train.Count} training and {data.Test.Count} test images; {Plural(options.Epochs, "epoch")}, batch {options.BatchSize}, seed {options.Seed}.");
        string[] mixes = options.Compare
            ? [.. TrainOptions.Mixes.Where(m => TrainModels.Fits(m, options.Model ?? "cnn"))]
            : [options.Mix];
        var runs = new List<RunResult>();

        // Ctrl+C stops between steps: the epochs finished so far are still written out.
        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            foreach (string mix in mixes.TakeWhile(_ => !cancel.IsCancellationRequested))
            {
                RunResult run = TrainOne(mix, options, data, stdout, cancel.Token);
                if (run.Epochs.Count > 0)
                {
                    runs.Add(run);
                }
            }
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }

        if (cancel.IsCancellationRequested)
        {
            stdout.WriteLine("cancelled: writing the epochs that finished.");
        }

        if (runs.Count == 0)
        {
            return 1;
        }

        if (options.Json is not null)
        {
            WriteJson(options.Json, options, runs);
            stdout.WriteLine($"wrote {options.Json}");
        }

        if (options.Plot is not null || options.Compare)
        {
            string dir = options.Plot ?? ".";
            Directory.CreateDirectory(dir);
            foreach (string file in Plots.Write(dir, runs, options.Compare))
            {
                stdout.WriteLine($"wrote {file}");
            }
        }

        if (options.Compare)
        {
            string table = Path.Combine(options.Plot ?? ".", "compare.md");
            File.WriteAllText(table, CompareTable(options, data, runs));
            stdout.WriteLine($"wrote {table}");
        }

        return 0;
    }

    /// <summary>Fashion-MNIST from --data (or its defaults), or null after writing why not to <paramref name="stderr"/>.</summary>
    internal static FashionMnist? TryLoad(string? folder, int? limit, TextWriter stderr)
    {
        try
        {
            return FashionMnist.Load(FashionMnistFolder.Resolve(folder, Environment.GetEnvironmentVariable), limit);
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            stderr.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>The mix a --mix name stands for, with the settings the papers' ImageNet/CIFAR recipes use.</summary>
    public static IMixTransform? Transform(string mix) => mix switch
    {
        "none" => null,
        "mixup" => new MixUp(alpha: 0.2, mode: LambdaMode.Element),
        "cutmix" => new CutMix(alpha: 1.0, mode: LambdaMode.Element),
        "fmix" => new FMix(alpha: 1.0, decayPower: 3.0, mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup),
        "saliencymix" => new SaliencyMix(beta: 1.0, mode: LambdaMode.Element),
        "choice" => new MixChoice((new MixUp(alpha: 0.2, mode: LambdaMode.Element), 0.5), (new CutMix(alpha: 1.0, mode: LambdaMode.Element), 0.5)),
        "manifold" => new MixUp(alpha: 2.0, mode: LambdaMode.Batch, pairing: PairingStrategy.Permutation), // Verma et al.
        "gradsaliency" => new SaliencyMix(beta: 1.0, mode: LambdaMode.Element, saliency: new GradientSaliency()),
        "deit" or "transmix" => new MixChoice((new MixUp(alpha: 0.8, mode: LambdaMode.Batch), 0.5), (new CutMix(alpha: 1.0, mode: LambdaMode.Batch), 0.5)), // DeiT's; TransMix reweighs its labels
        "snapmix" => new CutMix(alpha: 5.0, mode: LambdaMode.Batch, pairing: PairingStrategy.Permutation, partnerPatch: PartnerPatch.OwnSize), // SnapMix: beta 5, two boxes per batch (each its own λ), randperm
        _ => throw new ArgumentOutOfRangeException(nameof(mix), mix, $"Unknown mix '{mix}'; the command line accepts only {string.Join(", ", TrainOptions.Mixes)}."),
    };

    private static RunResult TrainOne(string mix, TrainOptions options, FashionMnist data, TextWriter stdout, CancellationToken cancellation)
    {
        random.manual_seed(unchecked((long)options.Seed));
        string modelName = options.Compare ? options.Model ?? "cnn" : options.Model ?? TrainModels.DefaultFor(mix);
        using nn.Module<Tensor, Tensor> model = TrainModels.Create(modelName, FashionMnist.ClassCount);
        using optim.Optimizer optimizer = CreateOptimizer(options, model.parameters());
        var train = new BatchSource(data.Train, options.BatchSize, options.Seed);
        var test = new BatchSource(data.Test, 1000, options.Seed);
        var progress = new ProgressReporter(mix, options.Epochs, train.BatchCount, stdout);
        var loop = new TrainingLoop(model, optimizer, FashionMnist.ClassCount)
        {
            Mix = new MixSchedule(Transform(mix)),
            Step = TrainModels.Step(mix),
            Seed = options.Seed,
            Callbacks = [progress],
        };
        TrainingResult result = progress.Run(() => loop.Run(train.Epoch, options.Epochs, test.InOrder, cancellation));
        return new RunResult(mix, modelName, result.Epochs);
    }

    /// <summary>TorchSharp's Adam, AdamW or SGD with the scalars of their step kept alive (0.107 can free them mid-call:
    /// docs/torchsharp.md).</summary>
    private static optim.Optimizer CreateOptimizer(TrainOptions options, IEnumerable<global::TorchSharp.Modules.Parameter> parameters) => options.Optimizer switch
    {
        "adamw" => new KeptScalarAdamW(parameters, options.EffectiveLearningRate, weightDecay: 0.05),
        "sgd" => new KeptScalarSGD(parameters, options.EffectiveLearningRate, momentum: 0.9, weightDecay: 5e-4, nesterov: true),
        _ => new KeptScalarAdam(parameters, options.EffectiveLearningRate),
    };

    /// <summary>How the optimizer is named in the compare table.</summary>
    private static string OptimizerName(string optimizer) => optimizer switch { "adamw" => "AdamW", "sgd" => "SGD (momentum 0.9, Nesterov)", _ => "Adam" };

    private static void WriteJson(string path, TrainOptions options, List<RunResult> runs)
    {
        var report = runs.Select(r => new
        {
            mix = r.Mix,
            model = r.Model,
            optimizer = options.Optimizer,
            learningRate = options.EffectiveLearningRate,
            seed = options.Seed,
            epochs = r.Epochs.Select(e => new
            {
                epoch = e.Epoch + 1,
                trainLoss = e.TrainLoss,
                trainAccuracy = e.TrainAccuracy,
                testAccuracy = e.Evaluation!.Accuracy,
                testLoss = e.Evaluation.CrossEntropy,
                ece = e.Evaluation.ExpectedCalibrationError,
                seconds = e.Seconds,
            }),
        });
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        Directory.CreateDirectory(dir!);
        File.WriteAllText(path, JsonSerializer.Serialize(runs.Count == 1 ? (object)report.First() : report, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string CompareTable(TrainOptions options, FashionMnist data, List<RunResult> runs)
    {
        var lines = new List<string>
        {
            $"Fashion-MNIST, {data.Train.Count} training images, {Plural(options.Epochs, "epoch")}, batch {options.BatchSize}, {OptimizerName(options.Optimizer)} lr {options.EffectiveLearningRate.ToString(CultureInfo.InvariantCulture)}, seed {options.Seed}.",
            string.Empty,
            "| mix | test accuracy | test loss | ECE (15 bins) | best accuracy (epoch) | seconds per epoch |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        };
        foreach (RunResult r in runs)
        {
            EpochReport last = r.Epochs[^1];
            EpochReport best = r.Epochs.MaxBy(e => e.Evaluation!.Accuracy)!;
            lines.Add(string.Create(
                CultureInfo.InvariantCulture,
                $"| {r.Mix} | {last.Evaluation!.Accuracy:P2} | {last.Evaluation.CrossEntropy:F4} | {last.Evaluation.ExpectedCalibrationError:F4} | {best.Evaluation!.Accuracy:P2} ({best.Epoch + 1}) | {r.Epochs.Average(e => e.Seconds):F1} |"));
        }

        return string.Join('\n', lines) + '\n';
    }

    /// <summary>"1 epoch", "10 epochs".</summary>
    internal static string Plural(int count, string noun) => string.Create(CultureInfo.InvariantCulture, $"{count} {noun}{(count == 1 ? string.Empty : "s")}");
}

/// <summary>The epochs of one mix, and the model (--model) it trained.</summary>
internal sealed record RunResult(string Mix, string Model, IReadOnlyList<EpochReport> Epochs);
