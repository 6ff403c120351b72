namespace MixAug.Train.Summary;

/// <summary>PNG curves of a multi-seed comparison: each mix's mean per epoch, with a band of ± one standard deviation.</summary>
internal static class SummaryPlots
{
    /// <summary>Writes summary-accuracy.png, summary-ece.png and summary-loss.png (test loss) into <paramref name="dir"/>.</summary>
    public static IEnumerable<string> Write(string dir, IReadOnlyList<MixSummary> mixes)
    {
        // The legend goes where the curves are not: accuracy rises to the top right, loss and ECE fall from the top left.
        foreach ((string name, string label, Func<EpochNumbers, double> value, ScottPlot.Alignment legend) in new (string, string, Func<EpochNumbers, double>, ScottPlot.Alignment)[]
        {
            ("accuracy", "test accuracy", e => e.TestAccuracy, ScottPlot.Alignment.LowerRight),
            ("ece", "expected calibration error (15 bins)", e => e.Ece, ScottPlot.Alignment.UpperRight),
            ("loss", "test loss", e => e.TestLoss, ScottPlot.Alignment.UpperRight),
        })
        {
            var plot = new ScottPlot.Plot();
            var palette = new ScottPlot.Palettes.Category10();
            for (int i = 0; i < mixes.Count; i++)
            {
                SeedStatistics[] curve = mixes[i].Curve(value);
                double[] x = Enumerable.Range(1, curve.Length).Select(e => (double)e).ToArray();
                ScottPlot.Color color = palette.GetColor(i);
                var band = plot.Add.FillY(x, curve.Select(s => s.Mean - s.StandardDeviation).ToArray(), curve.Select(s => s.Mean + s.StandardDeviation).ToArray());
                band.FillColor = color.WithAlpha(0.15);
                band.LineWidth = 0;
                var line = plot.Add.Scatter(x, curve.Select(s => s.Mean).ToArray(), color);
                line.MarkerSize = 0;
                line.LegendText = $"{mixes[i].Mix} (n={mixes[i].Runs.Count})";
            }

            plot.XLabel("epoch");
            plot.YLabel(label);
            plot.ShowLegend(legend);
            string file = Path.Combine(dir, $"summary-{name}.png");
            plot.SavePng(file, 800, 520);
            yield return file;
        }
    }
}
