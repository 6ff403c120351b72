using MixAug.Regions;

namespace MixAug.Planning;

/// <summary>
/// How one sample of a <see cref="MixPlan"/> is made: its sources (itself first), their label weights, and the region
/// that says which source supplies which element. Checked when a plan is built from it.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class SampleRecipe
{
    private readonly int[] _sources;
    private readonly double[] _weights;

    /// <summary>Creates a recipe from copies of the lists.</summary>
    /// <param name="sources">Batch indices of the sources; the first must be the sample itself.</param>
    /// <param name="weights">One weight per source, each in [0, 1], summing to 1 (the label weights).</param>
    /// <param name="region">The region, whose slots index <paramref name="sources"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lists are empty or of different lengths.</exception>
    public SampleRecipe(IReadOnlyList<int> sources, IReadOnlyList<double> weights, MixRegion region)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(region);
        if (sources.Count == 0)
        {
            throw new ArgumentException("A sample needs at least one source (itself).", nameof(sources));
        }

        if (weights.Count != sources.Count)
        {
            throw new ArgumentException($"There are {sources.Count} sources but {weights.Count} weights; give one weight per source.", nameof(weights));
        }

        _sources = [.. sources];
        _weights = [.. weights];
        Region = region;
    }

    /// <summary>Batch indices of the sources, the sample itself first.</summary>
    public IReadOnlyList<int> Sources => _sources;

    /// <summary>Label weight of each source.</summary>
    public IReadOnlyList<double> Weights => _weights;

    /// <summary>The region.</summary>
    public MixRegion Region { get; }

    /// <summary>A sample left unmixed: itself with weight 1 and a <see cref="KeepRegion"/>.</summary>
    /// <param name="sample">The sample's batch index.</param>
    /// <returns>The recipe.</returns>
    public static SampleRecipe Unmixed(int sample) => new([sample], [1.0], MixRegion.Keep);
}
