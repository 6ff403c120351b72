using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// The whole sample is a weighted sum of its sources with the plan's weights: for two sources
/// <c>out = x·λ + partner·(1 − λ)</c>; for more, <c>Σ w_k·x[source k]</c> in slot order.
/// </summary>
public sealed class BlendRegion : MixRegion
{
    internal BlendRegion()
    {
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Blend;

    /// <inheritdoc />
    public override bool IsUniform => true;

    internal override int MaximumSources => int.MaxValue;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitBlend(this);
    }

    /// <inheritdoc />
    public override string ToString() => "blend";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares) =>
        weights.Slice(0, Math.Min(weights.Length, shares.Length)).CopyTo(shares);
}
