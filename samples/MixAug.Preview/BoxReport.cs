using MixAug.Labels;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Preview;

/// <summary>One source box of a mixed sample: where it came from, how much of it the mix shows, and what BoxMixer
/// made of it (null when it was dropped).</summary>
/// <param name="Source">The batch index of the image the box belongs to.</param>
/// <param name="Class">Its class.</param>
/// <param name="VisibleFraction">Σ overlap·weight / area over its pixels: BoxMixer's test (1 for Mixup's blends,
/// which keep every box of a source with weight).</param>
/// <param name="Kept">Its mixed corners (x0, y0, x1, y1) and weight, or null when it was dropped.</param>
internal sealed record BoxLine(int Source, int Class, double VisibleFraction, (float[] Corners, float Weight)? Kept);

/// <summary>
/// Says, for each box of each source of a mixed sample, its visible fraction and whether <see cref="BoxMixer"/> kept it.
/// BoxMixer returns only the kept boxes; the fractions are worked out here from the region's per-pixel source weights
/// (<see cref="RegionRasterizer"/>, as BoxMixer weighs pixels), and the kept boxes are matched to BoxMixer's own output
/// in its order (own boxes first, then each partner's), so the corners and weights shown are BoxMixer's.
/// </summary>
internal static class BoxReport
{
    public static IReadOnlyList<BoxLine> For(MixPlan plan, int sample, IReadOnlyList<DetectionBoxes> boxes, DetectionBoxes mixed, double threshold)
    {
        ReadOnlySpan<int> sources = plan.Sources(sample);
        MixRegion region = plan.Regions[sample];
        if (region is ResizeRegion or MosaicRegion)
        {
            // These regions move and scale their sources' pixels, so a source box's place says nothing about what shows:
            // only BoxMixer's kept boxes are listed (source and fraction unknown here: Source −1, fraction NaN).
            return [.. Enumerable.Range(0, mixed.Count).Select(b => new BoxLine(-1, mixed.Classes[b], double.NaN, (mixed.Corners.Slice(4 * b, 4).ToArray(), mixed.Weights[b])))];
        }

        float[][] slotWeights = region.IsUniform ? [] : SlotWeights(plan, sample, sources.Length);
        var lines = new List<BoxLine>();
        int next = 0;
        for (int k = 0; k < sources.Length; k++)
        {
            DetectionBoxes source = boxes[sources[k]];
            if (region.IsUniform && plan.Weights(sample)[k] == 0)
            {
                continue; // a source of weight 0 shows no boxes
            }

            for (int b = 0; b < source.Count; b++)
            {
                double fraction = region.IsUniform ? 1.0 : Visible(source.Corners.Slice(4 * b, 4), slotWeights[k], plan.Spatial.Width);
                bool kept = region.IsUniform || fraction > threshold;
                (float[], float)? result = null;
                if (kept)
                {
                    if (next >= mixed.Count)
                    {
                        throw new InvalidOperationException($"Sample {sample}: more boxes are visible than BoxMixer kept ({mixed.Count}).");
                    }

                    result = (mixed.Corners.Slice(4 * next, 4).ToArray(), mixed.Weights[next]);
                    next++;
                }

                lines.Add(new BoxLine(sources[k], source.Classes[b], fraction, result));
            }
        }

        if (next != mixed.Count)
        {
            throw new InvalidOperationException($"Sample {sample}: BoxMixer kept {mixed.Count} boxes but {next} are visible.");
        }

        return lines;
    }

    /// <summary>Each source slot's weight at every pixel: tiles give each pixel to one slot; other regions weigh the
    /// sample's own pixels by the own weight and its partner's by the rest.</summary>
    private static float[][] SlotWeights(MixPlan plan, int sample, int count)
    {
        int size = plan.Spatial.Size;
        var weights = new float[count][];
        if (plan.Regions[sample] is TileRegion tiles)
        {
            var slots = new byte[size];
            RegionRasterizer.WriteSlots(tiles, plan.Spatial, slots);
            for (int k = 0; k < count; k++)
            {
                weights[k] = [.. slots.Select(s => s == k ? 1f : 0f)];
            }

            return weights;
        }

        var own = new float[size];
        RegionRasterizer.WriteOwnWeights(plan.Regions[sample], plan.Spatial, plan.Lambdas[sample], own);
        weights[0] = own;
        weights[1] = [.. own.Select(w => 1f - w)];
        return weights;
    }

    private static double Visible(ReadOnlySpan<float> box, float[] weights, int width)
    {
        double x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
        double visible = 0;
        for (int py = (int)Math.Floor(y0); py < Math.Ceiling(y1); py++)
        {
            double dy = Math.Min(py + 1, y1) - Math.Max(py, y0);
            for (int px = (int)Math.Floor(x0); px < Math.Ceiling(x1); px++)
            {
                double dx = Math.Min(px + 1, x1) - Math.Max(px, x0);
                visible += dx * dy * weights[(py * width) + px];
            }
        }

        return visible / ((x1 - x0) * (y1 - y0));
    }
}
