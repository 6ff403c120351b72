using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// An FMix mask, described by what generates it: a <see cref="FourierNoise"/> image (a seed and a spectrum, shared by
/// every sample that thresholds the same image), the number of elements that stay the sample's own, and the soft-edge
/// width. The <see cref="OwnCount"/> largest noise values (ties to the smaller index) get weight 1, the rest 0, with a
/// linear ramp across the edge when <see cref="MaxSoft"/> &gt; 0 (<see cref="MaskThreshold"/>). Backends rasterise
/// it; its own share is known exactly from the counts alone.
/// </summary>
/// <remarks>
/// The noise covers the plan's extent, or, for sequences <c>[B, C, L]</c> and clips <c>[B, C, T, H, W]</c>, only its
/// first m positions (frames) along time: FMix with valid lengths draws the mask over the part where the sample and its
/// partner are both valid (<see cref="MixRequest.ValidLengths"/>). Past those m positions every element is the sample's
/// own (weight 1); its own share over an extent of N elements is then <c>(Σ mask weights + N − n) / N</c>, n the noise's
/// element count, exact from the counts alone.
/// </remarks>
public sealed class FourierMaskRegion : MixRegion
{
    /// <summary>Creates the recipe.</summary>
    /// <param name="noise">The noise image to threshold.</param>
    /// <param name="ownCount">Number of elements ranked as the sample's own, in [0, <c>noise.Spatial.Size</c>].</param>
    /// <param name="maxSoft">Largest share of elements on the soft edge, in [0, 0.5]; 0 for a binary mask.</param>
    /// <exception cref="ArgumentNullException"><paramref name="noise"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownCount"/> or <paramref name="maxSoft"/> is out of range.</exception>
    public FourierMaskRegion(FourierNoise noise, int ownCount, double maxSoft = 0.0)
    {
        ArgumentNullException.ThrowIfNull(noise);
        int n = noise.Spatial.Size;
        if ((uint)ownCount > (uint)n)
        {
            throw new ArgumentOutOfRangeException(nameof(ownCount), ownCount, $"ownCount must lie in [0, {n}] for a {noise.Spatial} plane; it was {ownCount}.");
        }

        MaskThreshold.CheckMaxSoft(maxSoft);
        Noise = noise;
        OwnCount = ownCount;
        MaxSoft = maxSoft;
    }

    /// <summary>The noise image that is thresholded.</summary>
    public FourierNoise Noise { get; }

    /// <summary>Number of elements ranked as the sample's own.</summary>
    public int OwnCount { get; }

    /// <summary>Largest share of elements on the soft edge; 0 for a binary mask.</summary>
    public double MaxSoft { get; }

    /// <summary>The exact mean of the mask: <see cref="MaskThreshold.Mean"/> of the counts.</summary>
    public double Mean => MaskThreshold.Mean(Noise.Spatial.Size, OwnCount, MaxSoft);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.FourierMask;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitFourierMask(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"fourier mask, own {OwnCount} of {Noise.Spatial.Size}, soft {MaxSoft}, {Noise}";

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // The weight sum is exact and the own elements past the noise are whole ones, so the numerator is exact and
        // the share is rounded once; over the noise's own extent it is Mean bit for bit.
        int n = Noise.Spatial.Size;
        shares[0] = (MaskThreshold.WeightSum(n, OwnCount, MaxSoft) + (spatial.Size - n)) / spatial.Size;
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Noise.Spatial == spatial)
        {
            return;
        }

        int extent = TimeAxis.Extent(spatial), reach = TimeAxis.Extent(Noise.Spatial);
        if (extent == 0 || Noise.Spatial.Rank != spatial.Rank || reach > extent || TimeAxis.Crop(spatial, reach) != Noise.Spatial)
        {
            throw new ArgumentException(
                $"The Fourier mask{OfSample(sample)} is for a {Noise.Spatial} plane, which is neither {spatial} nor its first positions along time.", name);
        }
    }
}
