using MixAug.Training;

namespace MixAug.Train;

/// <summary>PNG plots of the training curves (ScottPlot).</summary>
internal static class Plots
{
    public static IEnumerable<string> Write(string dir, IReadOnlyList<RunResult> runs, bool compare)
    {
        var files = new List<string>();
        foreach ((string name, string label, Func<EpochReport, double> value) in new (string, string, Func<EpochReport, double>)[]
        {
            ("accuracy", "test accuracy", e => e.Evaluation!.Accuracy),
            ("ece", "expected calibration error (15 bins)", e => e.Evaluation!.ExpectedCalibrationError),
            ("loss", "train loss", e => e.TrainLoss),
        })
        {
            var plot = new ScottPlot.Plot();
            foreach (RunResult run in runs)
            {
                double[] x = run.Epochs.Select(e => (double)(e.Epoch + 1)).ToArray();
                var line = plot.Add.Scatter(x, run.Epochs.Select(value).ToArray());
                line.LegendText = run.Mix;
            }

            plot.XLabel("epoch");
            plot.YLabel(label);
            plot.ShowLegend();
            string file = Path.Combine(dir, $"{(compare ? "compare" : runs[0].Mix)}-{name}.png");
            plot.SavePng(file, 640, 420);
            files.Add(file);
        }

        return files;
    }
}
