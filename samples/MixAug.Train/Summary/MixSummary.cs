using MixAug.Samples.CommandLine;

namespace MixAug.Train.Summary;

/// <summary>
/// The runs of one mix over several seeds: statistics of the final epoch's numbers and of the per-epoch curves. Every
/// run of a mix must have the same number of epochs, and no seed may appear twice, or the mean would mix schedules.
/// </summary>
internal sealed class MixSummary
{
    private MixSummary(string mix, IReadOnlyList<RunFile> runs)
    {
        Mix = mix;
        Runs = runs;
        Epochs = runs[0].Epochs.Count;
        Final = Metric(runs, r => r.Epochs[^1]);
        BestAccuracy = SeedStatistics.Of(runs.Select(r => r.Epochs.Max(e => e.TestAccuracy)).ToArray());
    }

    /// <summary>The mix's name.</summary>
    public string Mix { get; }

    /// <summary>Its runs, by seed.</summary>
    public IReadOnlyList<RunFile> Runs { get; }

    /// <summary>Epochs of every run.</summary>
    public int Epochs { get; }

    /// <summary>Test accuracy, test loss and ECE after the last epoch.</summary>
    public FinalNumbers Final { get; }

    /// <summary>Each run's best test accuracy over its epochs.</summary>
    public SeedStatistics BestAccuracy { get; }

    /// <summary>The per-epoch statistics of one number, for the curves.</summary>
    public SeedStatistics[] Curve(Func<EpochNumbers, double> value) =>
        Enumerable.Range(0, Epochs).Select(i => SeedStatistics.Of(Runs.Select(r => value(r.Epochs[i])).ToArray())).ToArray();

    /// <summary>Groups runs by mix, in <paramref name="order"/> first and then by name; refuses inconsistent groups.</summary>
    public static IReadOnlyList<MixSummary> Group(IEnumerable<RunFile> runs, IReadOnlyList<string> order)
    {
        var summaries = new List<MixSummary>();
        foreach (IGrouping<string, RunFile> group in runs.GroupBy(r => r.Mix).OrderBy(g => Rank(order, g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
        {
            RunFile[] bySeed = group.OrderBy(r => r.Seed).ToArray();
            RunFile? twice = bySeed.Skip(1).Where((r, i) => r.Seed == bySeed[i].Seed).FirstOrDefault();
            if (twice is not null)
            {
                throw new UsageException($"{group.Key}: seed {twice.Seed} appears twice ({string.Join(", ", bySeed.Where(r => r.Seed == twice.Seed).Select(r => r.Path))}).");
            }

            RunFile? other = bySeed.FirstOrDefault(r => r.Epochs.Count != bySeed[0].Epochs.Count);
            if (other is not null)
            {
                throw new UsageException($"{group.Key}: {other.Path} has {other.Epochs.Count} epochs but {bySeed[0].Path} has {bySeed[0].Epochs.Count}.");
            }

            summaries.Add(new MixSummary(group.Key, bySeed));
        }

        return summaries;
    }

    private static int Rank(IReadOnlyList<string> order, string mix)
    {
        int index = order.ToList().IndexOf(mix);
        return index < 0 ? order.Count : index;
    }

    private static FinalNumbers Metric(IReadOnlyList<RunFile> runs, Func<RunFile, EpochNumbers> pick) => new(
        SeedStatistics.Of(runs.Select(r => pick(r).TestAccuracy).ToArray()),
        SeedStatistics.Of(runs.Select(r => pick(r).TestLoss).ToArray()),
        SeedStatistics.Of(runs.Select(r => pick(r).Ece).ToArray()));
}

/// <summary>Statistics of the last epoch's test numbers.</summary>
internal sealed record FinalNumbers(SeedStatistics TestAccuracy, SeedStatistics TestLoss, SeedStatistics Ece);
