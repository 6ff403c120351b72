using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>The sample is left unchanged: its output equals its input bit for bit, and its own weight is 1.</summary>
public sealed class KeepRegion : MixRegion
{
    internal KeepRegion()
    {
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Keep;

    /// <inheritdoc />
    public override bool IsUniform => true;

    internal override int MinimumSources => 1;

    internal override int MaximumSources => int.MaxValue;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitKeep(this);
    }

    /// <inheritdoc />
    public override string ToString() => "keep";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares) => shares[0] = 1.0;
}
