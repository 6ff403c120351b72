using MixAug.Planning;
using MixAug.Transforms;

namespace MixAug.Tests.Support;

/// <summary>
/// A slow reference for CutMix on clips, worked out from the mixed elements alone: which source every valid output
/// element came from, the cuboid the partner's elements form, and the own share counted element by element. Returns
/// what is wrong, or null. The batch must hold distinct values at valid positions and NaN in padding.
/// </summary>
internal static class ClipAudit
{
    /// <summary>Checks sample <paramref name="i"/> of a clip plan's output.</summary>
    /// <param name="reach">The frames both samples were valid over when the cut was drawn (the draw's m).</param>
    /// <param name="cut">The cut the plan's transform was asked for, or null to check only the cuboid and the share.</param>
    public static string? Check(MixPlan plan, BatchShape shape, int[] lengths, float[] batch, float[] output, int i, int reach, VideoMixCut? cut)
    {
        int t = shape.Depth, h = shape.Height, w = shape.Width, c = shape.Channels, plane = h * w;
        int p = plan.Partners[i];
        int own = lengths[i];
        if (plan.OutputLengths[i] != own)
        {
            return $"output length {plan.OutputLengths[i]}, expected the sample's own {own}";
        }

        // Which valid elements of channel 0 show the partner; every channel must agree.
        var taken = new bool[own * plane];
        int owned = 0;
        for (int ch = 0; ch < c; ch++)
        {
            for (int e = 0; e < own * plane; e++)
            {
                long at = (((long)i * c) + ch) * t * plane;
                float got = output[at + e], mine = batch[at + e], theirs = batch[((((long)p * c) + ch) * t * plane) + e];
                if (float.IsNaN(got))
                {
                    return $"padding (NaN) at valid element {e} of channel {ch}";
                }

                bool fromPartner = got == theirs && got != mine;
                if (!fromPartner && got != mine)
                {
                    return $"element {e} of channel {ch} holds {got}, neither its own {mine} nor the partner's {theirs}";
                }

                if (ch == 0)
                {
                    taken[e] = fromPartner;
                    owned += fromPartner ? 0 : 1;
                }
                else if (taken[e] != fromPartner)
                {
                    return $"channel {ch} differs from channel 0 at element {e}";
                }
            }
        }

        if ((double)owned / (own * plane) != plan.Lambdas[i])
        {
            return $"lambda {plan.Lambdas[i]:R}, but {owned} of {own * plane} valid elements are the sample's own ({(double)owned / (own * plane):R})";
        }

        int cutCount = own * plane - owned;
        if (cutCount == 0)
        {
            return null;
        }

        // The partner's elements must form one cuboid [f, e) × [top, bottom) × [left, right).
        int f = int.MaxValue, fe = 0, top = int.MaxValue, bottom = 0, left = int.MaxValue, right = 0;
        for (int e = 0; e < taken.Length; e++)
        {
            if (taken[e])
            {
                (f, fe) = (Math.Min(f, e / plane), Math.Max(fe, (e / plane) + 1));
                (top, bottom) = (Math.Min(top, e / w % h), Math.Max(bottom, (e / w % h) + 1));
                (left, right) = (Math.Min(left, e % w), Math.Max(right, (e % w) + 1));
            }
        }

        if ((long)(fe - f) * (bottom - top) * (right - left) != cutCount)
        {
            return $"the partner's {cutCount} elements are not a cuboid (they span frames [{f}, {fe}) rows [{top}, {bottom}) cols [{left}, {right}))";
        }

        if (fe > reach)
        {
            return $"the cut reaches frame {fe}, past the {reach} frames where both samples are valid";
        }

        return cut switch
        {
            VideoMixCut.Spatial when f != 0 || fe != reach => $"a spatial cut must cover frames [0, {reach}); it covers [{f}, {fe})",
            VideoMixCut.Temporal when top != 0 || bottom != h || left != 0 || right != w => $"a temporal cut must cover whole frames; it covers rows [{top}, {bottom}) cols [{left}, {right})",
            _ => null,
        };
    }

    /// <summary>A clip batch whose valid elements hold distinct finite values (exact in float32) and whose padded frames hold NaN.</summary>
    public static float[] Padded(BatchShape shape, int[] lengths)
    {
        var batch = new float[shape.ElementCount];
        int plane = shape.Height * shape.Width;
        for (int k = 0; k < batch.Length; k++)
        {
            int sample = k / shape.SampleSize;
            int frame = k % shape.PlaneSize / plane;
            batch[k] = frame < lengths[sample] ? k + 1 : float.NaN;
        }

        return batch;
    }
}
