namespace MixAug.Train.Summary;

/// <summary>Mean and sample standard deviation (n − 1) of one number over seeds.</summary>
internal readonly record struct SeedStatistics(double Mean, double StandardDeviation, int Count)
{
    /// <summary>The statistics of <paramref name="values"/>; the deviation of a single value is 0.</summary>
    public static SeedStatistics Of(IReadOnlyList<double> values)
    {
        double mean = values.Average();
        double squares = values.Sum(v => (v - mean) * (v - mean));
        return new SeedStatistics(mean, values.Count > 1 ? Math.Sqrt(squares / (values.Count - 1)) : 0, values.Count);
    }
}
