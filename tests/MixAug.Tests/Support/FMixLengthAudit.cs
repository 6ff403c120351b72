using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Tests.Support;

/// <summary>
/// A slow reference for FMix with valid lengths, element by element: the mask is rebuilt here from the noise image alone
/// (a stable sort of its values, largest first, and the documented soft-edge rule), the expected output and lambda are
/// worked out from it and from the lengths, and the mixed batch is compared with them. Returns what is wrong, or null.
/// The batch must hold finite values at valid positions and NaN in padding.
/// </summary>
internal static class FMixLengthAudit
{
    /// <summary>Checks sample <paramref name="i"/> of an FMix plan's output.</summary>
    /// <param name="reach">The positions (frames) both samples were valid over when the mask was drawn (the draw's m).</param>
    public static string? Check(MixPlan plan, BatchShape shape, int[] lengths, float[] batch, float[] output, int i, int reach)
    {
        int step = shape.SpatialRank == 3 ? shape.Height * shape.Width : 1;
        int plane = shape.PlaneSize, channels = shape.Channels, own = lengths[i];
        int p = plan.Partners[i];
        if (plan.OutputLengths[i] != own)
        {
            return $"output length {plan.OutputLengths[i]}, expected the sample's own {own}";
        }

        float[] weights;
        if (p == i || plan.Regions[i] is KeepRegion)
        {
            weights = [];
        }
        else if (plan.Regions[i] is FourierMaskRegion mask)
        {
            SpatialShape expected = shape.SpatialRank == 1 ? SpatialShape.Sequence(reach) : SpatialShape.Volume(reach, shape.Height, shape.Width);
            if (mask.Noise.Spatial != expected)
            {
                return $"the noise covers {mask.Noise.Spatial}, not the {reach} positions both samples hold ({expected})";
            }

            weights = ReferenceMask(mask);
        }
        else
        {
            return $"a {plan.Regions[i].Kind} region, expected a Fourier mask or a keep";
        }

        double sum = 0;
        foreach (float w in weights)
        {
            sum += w;
        }

        double lambda = weights.Length == 0 ? 1.0 : (sum + ((double)(own - reach) * step)) / ((double)own * step);
        if (plan.Lambdas[i] != lambda)
        {
            return $"lambda {plan.Lambdas[i]:R}, but the mask keeps {sum} of the {reach * step} elements both hold and the sample has {(own - reach) * step} more of its own: {lambda:R}";
        }

        for (int c = 0; c < channels; c++)
        {
            long at = ((long)i * channels + c) * plane, from = ((long)p * channels + c) * plane;
            for (int e = 0; e < plane; e++)
            {
                float got = output[at + e], mine = batch[at + e];
                if (e / step >= own)
                {
                    if (!float.IsNaN(got))
                    {
                        return $"padding element {e} of channel {c} holds {got}; it must stay the sample's padding (NaN)";
                    }

                    continue;
                }

                float expected = mine;
                if (e < weights.Length)
                {
                    float m = weights[e], theirs = batch[from + e];
                    expected = m == 1f ? mine : m == 0f ? theirs : (mine * m) + (theirs * (1f - m));
                }

                if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(expected))
                {
                    return $"element {e} (position {e / step}) of channel {c} holds {got}, expected {expected} (mask covers {weights.Length} elements)";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The own weights of a Fourier mask over its noise's extent, by the documented rule: rank the noise values largest
    /// first (ties to the smaller index); with λ = own/n and s = ⌊n·min(maxSoft, λ, 1 − λ)⌋ ranks below own − s get 1,
    /// ranks in [own − s, own + s) linspace(1, 0, 2s) rounded to a multiple of 2^−24, the rest 0.
    /// </summary>
    public static float[] ReferenceMask(FourierMaskRegion mask)
    {
        int n = mask.Noise.Spatial.Size, ownCount = mask.OwnCount;
        var values = new float[n];
        mask.Noise.Synthesize(values);
        int[] order = [.. Enumerable.Range(0, n).OrderByDescending(k => values[k])]; // a stable sort: ties keep index order
        double share = (double)ownCount / n;
        int soft = (int)(n * Math.Min(mask.MaxSoft, Math.Min(share, 1 - share)));
        var weights = new float[n];
        for (int rank = 0; rank < n; rank++)
        {
            double w;
            if (soft == 0)
            {
                w = rank < ownCount ? 1 : 0;
            }
            else if (rank < ownCount - soft)
            {
                w = 1;
            }
            else if (rank < ownCount + soft)
            {
                w = Math.Round((1.0 - ((double)(rank - (ownCount - soft)) / ((2 * soft) - 1))) * 16_777_216.0) / 16_777_216.0;
            }
            else
            {
                w = 0;
            }

            weights[order[rank]] = (float)w;
        }

        return weights;
    }
}
