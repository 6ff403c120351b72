using MixAug.Planning;
using MixAug.Regions;
using static TorchSharp.torch;

namespace MixAug.Training.ModelMixing;

/// <summary>
/// Which pixels each source of a plan supplies, as float32 shares <c>[B, S, H, W]</c> on a device (S the plan's
/// largest source count; slot s of sample i is <c>plan.Sources(i)[s]</c>, and slots a sample lacks are 0). Every
/// region kind is read through <see cref="RegionRasterizer"/>, the rasteriser the mixers use: boxes and binary masks
/// give 0 and 1, soft masks their fractional weights, a blend λ and 1 − λ everywhere, tiles one slot per pixel.
/// </summary>
internal static class SourceCoverage
{
    /// <summary>Where each source appears in the mixed image: the share of slot s at each output pixel.</summary>
    /// <param name="plan">A plan over image planes <c>[H, W]</c>.</param>
    /// <param name="device">Where the shares go.</param>
    public static Tensor Placement(MixPlan plan, Device device) => Build(plan, device, partnerContent: false);

    /// <summary>
    /// Which of each source's own pixels the mixed image shows: the placement, except that a resized partner
    /// (<see cref="ResizeRegion"/>, ResizeMix) shows all of its pixels, shrunk into the box, or the pixels of its partner
    /// box (SnapMix's asymmetric patches).
    /// </summary>
    /// <param name="plan">A plan over image planes <c>[H, W]</c>.</param>
    /// <param name="device">Where the shares go.</param>
    public static Tensor Content(MixPlan plan, Device device) => Build(plan, device, partnerContent: true);

    /// <summary>The batch index of every slot <c>[B, S]</c> (int64; a slot a sample lacks names the sample itself).</summary>
    public static Tensor SourceIndices(MixPlan plan, Device device)
    {
        int b = plan.BatchSize, s = plan.MaxSourceCount;
        var indices = new long[b * s];
        for (int i = 0; i < b; i++)
        {
            ReadOnlySpan<int> sources = plan.Sources(i);
            for (int k = 0; k < s; k++)
            {
                indices[(i * s) + k] = k < sources.Length ? sources[k] : i;
            }
        }

        return tensor(indices, [b, s]).to(device);
    }

    private static Tensor Build(MixPlan plan, Device device, bool partnerContent)
    {
        if (plan.Spatial.Rank != 2)
        {
            throw new ArgumentException($"Source shares are defined on image planes [H, W]; the plan's extent is {plan.Spatial}.", nameof(plan));
        }

        int b = plan.BatchSize, s = plan.MaxSourceCount, n = plan.Spatial.Size;
        var shares = new float[b * s * n];
        float[] own = new float[n];
        byte[] slots = new byte[n];
        for (int i = 0; i < b; i++)
        {
            Span<float> sample = shares.AsSpan(i * s * n, s * n);
            MixRegion region = plan.Regions[i];
            if (region is TileRegion)
            {
                RegionRasterizer.WriteSlots(region, plan.Spatial, slots);
                for (int p = 0; p < n; p++)
                {
                    sample[(slots[p] * n) + p] = 1f;
                }

                continue;
            }

            RegionRasterizer.WriteOwnWeights(region, plan.Spatial, plan.Lambdas[i], own);
            own.CopyTo(sample[..n]);
            if (region is KeepRegion)
            {
                continue;
            }

            Span<float> partner = sample.Slice(n, n);
            if (partnerContent && region is ResizeRegion resize)
            {
                int w = plan.Spatial.Width;
                for (int y = resize.PartnerTop; y < resize.PartnerBottom; y++)
                {
                    partner.Slice((y * w) + resize.PartnerLeft, resize.PartnerRight - resize.PartnerLeft).Fill(1f);
                }

                continue;
            }

            for (int p = 0; p < n; p++)
            {
                partner[p] = 1f - own[p];
            }
        }

        return tensor(shares, [b, s, plan.Spatial.Height, plan.Spatial.Width]).to(device);
    }
}
