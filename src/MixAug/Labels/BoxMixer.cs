using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Labels;

/// <summary>
/// Mixes detection boxes by the <see cref="MixPlan"/> that mixed the images: what the pixels show of each source's
/// boxes, with its class and a weight.
/// </summary>
/// <remarks>
/// <para><b>Keeps and blends</b> (Mixup): every box of every source is kept, unclipped, with its weight times the
/// source's weight (<c>(float)λ</c> and <c>(float)(1 − λ)</c> for a pair; a source of weight 0 shows no boxes), as Zhang et al.'s "Bag of Freebies for
/// Training Object Detection Neural Networks" (2019) weigh the two images' boxes in the loss.</para>
/// <para><b>Boxes, tiles and masks</b> (CutMix, FMix, SaliencyMix, grids): a box of source k keeps what the output shows
/// of source k inside it. Its <i>visible fraction</i> is <c>Σ_pixels overlap(pixel, box)·w_k(pixel) / area(box)</c>,
/// with the weights the pixels are mixed with (<see cref="RegionRasterizer"/>; 1 and 0 for boxes, tiles and hard
/// masks), exact for fractional corners. A box is kept only when that fraction is above
/// <c>minVisibleFraction</c>, clipped to the bounding box of its pixels where source k has weight, and weighted by the mean
/// weight of source k over them (1 for hard regions). So CutMix clips the pasted source's boxes to the pasted
/// rectangle, shrinks the own boxes that the paste cuts along a whole side, keeps the bounding box of those it cuts a
/// corner or a hole from, and drops the boxes that the paste hides (or shows too little of).</para>
/// <para><b>Resized sources</b> (ResizeMix's box, Mosaic's tiles) show a source's pixels away from their positions, so
/// its boxes are moved with it instead: scaled by the resize (output side / source side per axis), shifted to where the
/// resized source lies, and clipped to the rectangle that shows it (ResizeMix's box; a Mosaic quadrant). The visible
/// fraction is then the clipped area over the moved box's area, and the weight is 1. The sample's own boxes outside a
/// ResizeMix box are in place and cut by it as by a CutMix box.</para>
/// <para><b>The default threshold</b> <see cref="DefaultMinVisibleFraction"/> = 0.1 is the area-ratio test of the YOLO
/// recipes (YOLOv5 and Ultralytics' <c>box_candidates(area_thr=0.1)</c>, which keeps a box whose area after the
/// augmentation is more than 0.1 of its area before). Their minimum width and height (<c>wh_thr=2</c> pixels) is
/// <c>minSide</c>, <see cref="YoloMinSide"/> to apply it; it defaults to 0 so that existing calls keep every box with
/// anything visible. Their aspect-ratio limit is not applied.</para>
/// <para>Output boxes of each image list the sample's own boxes first, then each other source's, in slot order and
/// input order. Only plans over a 2-D extent (height × width) have boxes.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class BoxMixer
{
    /// <summary>The default smallest visible fraction of a kept box (YOLOv5's and Ultralytics' <c>area_thr</c>).</summary>
    public const double DefaultMinVisibleFraction = 0.1;

    /// <summary>YOLOv5's and Ultralytics' smallest kept width and height in pixels (<c>box_candidates(wh_thr=2)</c>), for <c>minSide</c>.</summary>
    public const double YoloMinSide = 2;

    /// <summary>Mixes the boxes of every image by <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan that mixed the images, over a height × width extent.</param>
    /// <param name="boxes">The boxes of each image, in batch order, inside <c>[0, width] × [0, height]</c>.</param>
    /// <param name="minVisibleFraction">A box cut by a region is kept only when more than this fraction of it stays
    /// visible; in [0, 1).</param>
    /// <param name="configuration">Where mask synthesis tables are cached; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <param name="minSide">A box cut or moved by a region is kept only when its width and height both exceed this many
    /// pixels; finite and at least 0 (YOLOv5: <see cref="YoloMinSide"/>).</param>
    /// <returns>The boxes of each mixed image, new and owned by the caller.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/>, <paramref name="boxes"/> or one of its items is null.</exception>
    /// <exception cref="ArgumentException">The plan is not over a 2-D extent, the list is not one per sample, a box lies
    /// outside the image, or the boxes would take more than <see cref="MaxPixelVisits"/> pixel visits.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minVisibleFraction"/> is outside [0, 1) or NaN, or
    /// <paramref name="minSide"/> is negative, infinite or NaN.</exception>
    public static DetectionBoxes[] Mix(MixPlan plan, IReadOnlyList<DetectionBoxes> boxes, double minVisibleFraction = DefaultMinVisibleFraction, MixConfiguration? configuration = null, double minSide = 0)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(boxes);
        if (plan.Spatial.Rank != 2)
        {
            throw new ArgumentException($"The plan is drawn over {plan.Spatial}; detection boxes need a height × width extent.", nameof(plan));
        }

        if (boxes.Count != plan.BatchSize)
        {
            throw new ArgumentException($"boxes has {boxes.Count} images but the plan mixes a batch of {plan.BatchSize}.", nameof(boxes));
        }

        if (!(minVisibleFraction >= 0 && minVisibleFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minVisibleFraction), minVisibleFraction, $"minVisibleFraction must lie in [0, 1); it was {minVisibleFraction}.");
        }

        if (!(minSide >= 0 && double.IsFinite(minSide)))
        {
            throw new ArgumentOutOfRangeException(nameof(minSide), minSide, $"minSide must be finite and at least 0; it was {minSide}.");
        }

        int h = plan.Spatial.Height, w = plan.Spatial.Width;
        for (int i = 0; i < boxes.Count; i++)
        {
            DetectionBoxes image = boxes[i] ?? throw new ArgumentNullException(nameof(boxes), $"The boxes of image {i} are null; use DetectionBoxes.Empty.");
            ReadOnlySpan<float> c = image.Corners;
            for (int b = 0; b < image.Count; b++)
            {
                if (c[4 * b] < 0 || c[(4 * b) + 1] < 0 || c[(4 * b) + 2] > w || c[(4 * b) + 3] > h)
                {
                    throw new ArgumentException(
                        $"Box {b} of image {i} is ({c[4 * b]}, {c[(4 * b) + 1]}, {c[(4 * b) + 2]}, {c[(4 * b) + 3]}), outside the {w}x{h} image [0, {w}] × [0, {h}].", nameof(boxes));
                }
            }
        }

        CheckWork(plan, boxes);
        var sources = new PixelSources { Configuration = configuration ?? MixConfiguration.Default };
        var result = new DetectionBoxes[plan.BatchSize];
        var weights = new float[plan.Spatial.Size];
        Span<ResizedBoxes.Placement> placements = new ResizedBoxes.Placement[MosaicRegion.Quadrants];
        for (int i = 0; i < plan.BatchSize; i++)
        {
            var corners = new List<float>();
            var classes = new List<int>();
            var kept = new List<float>();
            ReadOnlySpan<int> batch = plan.Sources(i);
            MixRegion region = plan.Regions[i];
            if (!region.IsUniform)
            {
                sources.Load(plan, i);
            }

            for (int k = 0; k < batch.Length; k++)
            {
                DetectionBoxes source = boxes[batch[k]];
                if (region.IsUniform)
                {
                    // A kept sample lists its partner with weight 0: nothing of it is shown.
                    float share = (float)plan.Weights(i)[k];
                    if (share == 0)
                    {
                        continue;
                    }

                    for (int b = 0; b < source.Count; b++)
                    {
                        Add(corners, classes, kept, source.Corners.Slice(4 * b, 4), source.Classes[b], source.Weights[b] * share);
                    }

                    continue;
                }

                int placed = ResizedBoxes.Placements(region, k, placements);
                for (int p = 0; p < placed; p++)
                {
                    for (int b = 0; b < source.Count; b++)
                    {
                        if (ResizedBoxes.Place(source.Corners.Slice(4 * b, 4), placements[p], minVisibleFraction, minSide) is float[] moved)
                        {
                            Add(corners, classes, kept, moved, source.Classes[b], source.Weights[b]);
                        }
                    }
                }

                if (placed >= 0)
                {
                    continue;
                }

                WriteSlotWeights(sources, k, weights);
                for (int b = 0; b < source.Count; b++)
                {
                    if (Visible(source.Corners.Slice(4 * b, 4), weights, w, minVisibleFraction) is (float[] clipped, float mean)
                        && clipped[2] - clipped[0] > minSide && clipped[3] - clipped[1] > minSide)
                    {
                        Add(corners, classes, kept, clipped, source.Classes[b], source.Weights[b] * mean);
                    }
                }
            }

            result[i] = DetectionBoxes.Owning(corners, classes, kept);
        }

        return result;
    }

    /// <summary>
    /// Refuses a call whose boxes would take more than <see cref="MaxPixelVisits"/> pixel visits: a box cut by a
    /// region (not moved by a resize) is measured pixel by pixel, so its cost is its area, and a sample with tens of
    /// thousands of image-sized boxes would otherwise keep a loader busy for minutes. Worked out from the corners alone.
    /// </summary>
    private static void CheckWork(MixPlan plan, IReadOnlyList<DetectionBoxes> boxes)
    {
        Span<ResizedBoxes.Placement> placements = stackalloc ResizedBoxes.Placement[MosaicRegion.Quadrants];
        double visits = 0;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            MixRegion region = plan.Regions[i];
            if (region.IsUniform)
            {
                continue;
            }

            ReadOnlySpan<int> batch = plan.Sources(i);
            for (int k = 0; k < batch.Length; k++)
            {
                if (ResizedBoxes.Placements(region, k, placements) >= 0)
                {
                    continue;
                }

                ReadOnlySpan<float> c = boxes[batch[k]].Corners;
                for (int b = 0; b < c.Length; b += 4)
                {
                    visits += (Math.Ceiling(c[b + 2]) - Math.Floor(c[b])) * (Math.Ceiling(c[b + 3]) - Math.Floor(c[b + 1]));
                }
            }
        }

        if (visits > MaxPixelVisits)
        {
            throw new ArgumentException(
                $"The boxes would take {visits:E2} pixel visits to mix (each box cut by a region costs its area), more than {MaxPixelVisits:E2}; so many or so large boxes are refused rather than mixed for minutes.",
                nameof(boxes));
        }
    }

    /// <summary>The most pixel visits one <see cref="Mix"/> call may take, 2³¹: a box cut by a region is measured over its
    /// area (2·10⁹ visits took 7.1 s on the 2-core development machine while a build ran). A batch of 128 images of
    /// 640×640 with 100 boxes of a tenth of the image each takes about 10⁹.</summary>
    public const long MaxPixelVisits = 1L << 31;

    private static void Add(List<float> corners, List<int> classes, List<float> weights, ReadOnlySpan<float> box, int @class, float weight)
    {
        foreach (float v in box)
        {
            corners.Add(v);
        }

        classes.Add(@class);
        weights.Add(weight);
    }

    /// <summary>Writes slot <paramref name="slot"/>'s weight at every element of the loaded (non-uniform) sample.</summary>
    private static void WriteSlotWeights(PixelSources sources, int slot, Span<float> weights)
    {
        switch (sources.Current)
        {
            case PixelSources.Form.Slots:
                ReadOnlySpan<byte> slots = sources.Slots;
                for (int e = 0; e < weights.Length; e++)
                {
                    weights[e] = slots[e] == slot ? 1f : 0f;
                }

                return;
            default:
                ReadOnlySpan<float> own = sources.Own;
                for (int e = 0; e < weights.Length; e++)
                {
                    weights[e] = slot == 0 ? own[e] : sources.Partner(e);
                }

                return;
        }
    }

    /// <summary>The clipped box and its mean weight when more than <paramref name="threshold"/> of it is visible, else null.</summary>
    private static (float[] Clipped, float Mean)? Visible(ReadOnlySpan<float> box, ReadOnlySpan<float> weights, int width, double threshold)
    {
        double x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
        double visible = 0, covered = 0;
        double left = double.PositiveInfinity, top = double.PositiveInfinity, right = double.NegativeInfinity, bottom = double.NegativeInfinity;
        for (int py = (int)Math.Floor(y0); py < Math.Ceiling(y1); py++)
        {
            double dy = Math.Min(py + 1, y1) - Math.Max(py, y0);
            for (int px = (int)Math.Floor(x0); px < Math.Ceiling(x1); px++)
            {
                float weight = weights[(py * width) + px];
                double dx = Math.Min(px + 1, x1) - Math.Max(px, x0);
                if (weight > 0 && dx > 0 && dy > 0)
                {
                    visible += dx * dy * weight;
                    covered += dx * dy;
                    left = Math.Min(left, Math.Max(px, x0));
                    right = Math.Max(right, Math.Min(px + 1, x1));
                    top = Math.Min(top, Math.Max(py, y0));
                    bottom = Math.Max(bottom, Math.Min(py + 1, y1));
                }
            }
        }

        double fraction = visible / ((x1 - x0) * (y1 - y0));
        return fraction > threshold ? ([(float)left, (float)top, (float)right, (float)bottom], (float)(visible / covered)) : null;
    }
}
