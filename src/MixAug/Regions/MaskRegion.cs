using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// Explicit weights of the sample itself, one per element of the spatial extent (in row-major order), shared by all
/// channels: <c>out = x·m + partner·(1 − m)</c>. Binary masks select, soft ones blend. Transforms describe their masks
/// by recipe (<see cref="FourierMaskRegion"/>, <see cref="SaliencyMaskRegion"/>); this kind is for masks made by hand
/// or elsewhere, and its JSON form carries every weight.
/// </summary>
public sealed class MaskRegion : MixRegion
{
    private readonly float[] _weights;
    private double? _mean;

    /// <summary>Creates a mask from a copy of <paramref name="weights"/>.</summary>
    /// <param name="weights">Weights of the sample itself, each finite and in [0, 1].</param>
    /// <exception cref="ArgumentException">The mask is empty, or a weight is outside [0, 1] or not finite.</exception>
    public MaskRegion(ReadOnlySpan<float> weights)
    {
        if (weights.Length == 0)
        {
            throw new ArgumentException("A mask needs at least one weight.", nameof(weights));
        }

        for (int i = 0; i < weights.Length; i++)
        {
            float w = weights[i];
            if (!(w >= 0f && w <= 1f))
            {
                throw new ArgumentException($"Mask weight {i} is {w}; weights must lie in [0, 1].", nameof(weights));
            }
        }

        _weights = weights.ToArray();
    }

    /// <summary>The weights of the sample itself, in row-major order.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The backing array, for kernels that pin it; never exposed for writing.</summary>
    internal float[] WeightArray => _weights;

    /// <summary>The mean weight, computed in double precision: the exact own share of a binary mask.</summary>
    public double Mean => _mean ??= ComputeMean(_weights);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Mask;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitMask(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"mask of {_weights.Length} weights, mean {Mean}";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        shares[0] = Mean;
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (_weights.Length != spatial.Size)
        {
            throw new ArgumentException(
                $"The mask{OfSample(sample)} has {_weights.Length} weights but a {spatial} plane has {spatial.Size}.", name);
        }
    }

    private static double ComputeMean(float[] weights)
    {
        double sum = 0;
        foreach (float w in weights)
        {
            sum += w;
        }

        return sum / weights.Length;
    }
}
