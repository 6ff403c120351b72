using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// How one sample of a plan is made from its sources, as a compact recipe over the spatial extent only (no channels):
/// keep, blend, a box, tiles, or a mask described by what generates it. Regions are immutable data; backends
/// interpret them through <see cref="IMixRegionVisitor{TResult}"/>, and the labels come from the weights the plan
/// stores next to them.
/// </summary>
/// <remarks>
/// <para>Sources are referred to by <i>slot</i>: slot 0 is the sample itself, slot k its k-th other source in the
/// plan (<see cref="MixPlan.Sources"/>). Pairwise kinds (<see cref="BoxRegion"/>, the masks) use slots 0 and 1;
/// <see cref="BlendRegion"/> and <see cref="TileRegion"/> any number; <see cref="KeepRegion"/> only slot 0.</para>
/// <para>The kinds form a closed set: regions cannot be subclassed outside MixAug, so every interpreter is known to
/// handle every kind (see <see cref="IMixRegionVisitor{TResult}"/>).</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public abstract class MixRegion
{
    private protected MixRegion()
    {
    }

    /// <summary>The region of an unmixed sample.</summary>
    public static KeepRegion Keep { get; } = new();

    /// <summary>The region of a whole-sample weighted sum; the weights are the plan's.</summary>
    public static BlendRegion Blend { get; } = new();

    /// <summary>The kind of this region.</summary>
    public abstract MixRegionKind Kind { get; }

    /// <summary>True when every element of the sample is made the same way (keep, blend): the region then applies to a
    /// tensor of any trailing shape, a <c>[B, D]</c> feature vector too.</summary>
    public virtual bool IsUniform => false;

    /// <summary>Calls the visitor's method for this kind.</summary>
    /// <typeparam name="TResult">The visitor's result type.</typeparam>
    /// <param name="visitor">The interpreter.</param>
    /// <returns>What the visitor returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="visitor"/> is null.</exception>
    public abstract TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor);

    /// <summary>
    /// Measures, from the region itself, the share of each source's content in the output: for a box the exact
    /// outside and inside areas, for a mask its mean weight, for tiles the visible area of each slot; a blend's shares
    /// are its <paramref name="weights"/>. These are the label weights a correct plan stores.
    /// </summary>
    /// <param name="spatial">The spatial extent the region belongs to.</param>
    /// <param name="weights">The plan's weights of the sample's sources (used by blends only).</param>
    /// <param name="shares">Receives one share per source, in slot order; its length is the sample's source count.</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty or the region does not fit it,
    /// <paramref name="shares"/> is shorter than the slots the region uses, or a blend has fewer weights than shares.</exception>
    public void MeasureShares(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        int slots = Math.Max(MinimumSources, SlotsUsed);
        if (shares.Length < slots)
        {
            throw new ArgumentException($"A {Kind} region uses {slots} sources; shares has room for {shares.Length}.", nameof(shares));
        }

        if (IsUniform && !(this is KeepRegion) && weights.Length < shares.Length)
        {
            throw new ArgumentException($"A blend's shares are its weights: shares has {shares.Length} entries but weights only {weights.Length}.", nameof(weights));
        }

        ValidateFit(spatial, shares.Length, -1, nameof(spatial));
        shares.Clear();
        Measure(spatial, weights, shares);
    }

    /// <summary>The share of the sample's own content (slot 0) in its output; see <see cref="MeasureShares"/>.</summary>
    /// <param name="spatial">The spatial extent the region belongs to.</param>
    /// <param name="lambda">The plan's own weight, in [0, 1] (used by blends only).</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty or the region does not fit it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1] or NaN.</exception>
    public double OwnShare(SpatialShape spatial, double lambda)
    {
        Internal.Guard.Probability(lambda);
        int slots = Math.Max(2, SlotsUsed);
        Span<double> weights = stackalloc double[slots];
        weights[0] = lambda;
        weights[1] = 1.0 - lambda;
        Span<double> shares = stackalloc double[slots];
        MeasureShares(spatial, weights, shares);
        return shares[0];
    }

    /// <summary>The fewest sources a sample with this region must have (1 for keep, 2 for the others).</summary>
    internal virtual int MinimumSources => 2;

    /// <summary>The number of slots the region itself refers to (the largest slot plus one; tiles may refer to more than two).</summary>
    internal virtual int SlotsUsed => MinimumSources;

    /// <summary>The most sources the region can use, or <see cref="int.MaxValue"/>.</summary>
    internal virtual int MaximumSources => 2;

    /// <summary>Writes the measured shares into the cleared <paramref name="shares"/>.</summary>
    private protected abstract void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares);

    /// <summary>Throws when the region does not fit <paramref name="spatial"/> or the sample's source count; the
    /// exception names <paramref name="name"/>.</summary>
    internal void Validate(SpatialShape spatial, int sourceCount, int sample, string name = "regions")
    {
        if (sourceCount < MinimumSources || sourceCount > MaximumSources)
        {
            string allowed = MaximumSources == int.MaxValue ? $"at least {MinimumSources}" : MinimumSources == MaximumSources ? $"exactly {MinimumSources}" : $"{MinimumSources} to {MaximumSources}";
            throw new ArgumentException($"Sample {sample} has {sourceCount} sources, but a {Kind} region needs {allowed}.", name);
        }

        ValidateFit(spatial, sourceCount, sample, name);
    }

    /// <summary>Checks an element index of <paramref name="spatial"/> for the per-element queries.</summary>
    private protected static void CheckElement(SpatialShape spatial, int index)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        Internal.Guard.Index(index, spatial.Size, $"a {spatial} extent");
    }

    /// <summary>" of sample i" for messages, or nothing when no sample is concerned (a negative index).</summary>
    private protected static string OfSample(int sample) => sample < 0 ? string.Empty : $" of sample {sample}";

    /// <summary>Throws, naming <paramref name="name"/>, when the region's geometry does not fit <paramref name="spatial"/>.</summary>
    private protected virtual void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
    }
}
