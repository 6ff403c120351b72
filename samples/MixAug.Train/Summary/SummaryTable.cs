using System.Globalization;

namespace MixAug.Train.Summary;

/// <summary>The Markdown table of a multi-seed comparison: mean ± sample standard deviation over seeds.</summary>
internal static class SummaryTable
{
    /// <summary>The table, with a header line naming the seeds and epochs, and accuracy differences to "none".</summary>
    public static string Write(IReadOnlyList<MixSummary> mixes)
    {
        MixSummary? baseline = mixes.FirstOrDefault(m => m.Mix == "none");
        IEnumerable<ulong> seeds = mixes.SelectMany(m => m.Runs.Select(r => r.Seed)).Distinct().Order();
        var lines = new List<string>
        {
            Invariant($"{mixes.Sum(m => m.Runs.Count)} runs; seeds {string.Join(", ", seeds)}; mean ± standard deviation over each mix's seeds, after the last epoch."),
            string.Empty,
            "| mix | seeds | epochs | test accuracy | vs none | test loss | ECE (15 bins) | best accuracy | seconds per epoch |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        };
        foreach (MixSummary m in mixes)
        {
            string versus = baseline is null ? "" : Invariant($"{100 * (m.Final.TestAccuracy.Mean - baseline.Final.TestAccuracy.Mean):+0.00;-0.00;0.00}");
            double seconds = m.Runs.Average(r => r.Epochs.Average(e => e.Seconds));
            lines.Add(Invariant(
                $"| {m.Mix} | {m.Runs.Count} | {m.Epochs} | {Percent(m.Final.TestAccuracy)} | {versus} | {Plain(m.Final.TestLoss)} | {Plain(m.Final.Ece)} | {Percent(m.BestAccuracy)} | {seconds:F1} |"));
        }

        return string.Join('\n', lines) + '\n';
    }

    private static string Percent(SeedStatistics s) => Invariant($"{100 * s.Mean:F2} ± {100 * s.StandardDeviation:F2} %");

    private static string Plain(SeedStatistics s) => Invariant($"{s.Mean:F4} ± {s.StandardDeviation:F4}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
