using MixAug.Labels;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Testing;

/// <summary>
/// What a mixed image must show of each source box, worked out from the region's geometry and BoxMixer's documented
/// rules, not by BoxMixer: blends keep every box of a shown source whole, with its weight times the source's; regions
/// that move a source (ResizeMix's box, Mosaic's quadrants) scale and shift its boxes and clip them to the rectangle
/// that shows it; other regions keep what their pixels show of a box, measured pixel by pixel.
/// </summary>
internal static class ExpectedBoxes
{
    /// <summary>How close to a threshold a fraction or side may be and still go either way (float corners).</summary>
    private const double Borderline = 1e-9;

    /// <summary>Every box of every source of sample <paramref name="sample"/>, with its fate under the plan.</summary>
    public static List<Candidate> For(MixPlan plan, int sample, IReadOnlyList<DetectionBoxes> boxes, double minVisibleFraction, double minSide)
    {
        var candidates = new List<Candidate>();
        MixRegion region = plan.Regions[sample];
        int[] sources = plan.Sources(sample).ToArray();
        ElementSources? shown = region.IsUniform ? null : new ElementSources(plan).Load(sample);
        for (int slot = 0; slot < sources.Length; slot++)
        {
            DetectionBoxes source = boxes[sources[slot]];
            float share = (float)plan.Weights(sample)[slot];
            for (int b = 0; b < source.Count; b++)
            {
                ReadOnlySpan<float> box = source.Corners.Slice(4 * b, 4);
                Candidate Make(double[] corners, double weight, double fraction, string how) =>
                    new(slot, sources[slot], b, source.Classes[b], corners, weight, fraction, how);
                if (shown is null)
                {
                    if (share != 0)
                    {
                        // A blended source's boxes stay whole; its weight scales theirs (a kept sample's partner has 0).
                        candidates.Add(Make([box[0], box[1], box[2], box[3]], source.Weights[b] * share, 1, $"blended with weight {share}") with { Kept = true });
                    }

                    continue;
                }

                List<Placement> placements = Placements(region, slot, plan.Spatial);
                if (placements.Count > 0 || region is MosaicRegion)
                {
                    foreach (Placement p in placements)
                    {
                        (double[] corners, double fraction) = p.Place(box);
                        candidates.Add(Decide(Make(corners, source.Weights[b], fraction, p.ToString()), minVisibleFraction, minSide));
                    }

                    continue;
                }

                (double[] clipped, double visible, double mean) = Measure(box, shown, slot, plan.Spatial.Width);
                candidates.Add(Decide(Make(clipped, source.Weights[b] * mean, visible, "shown in place"), minVisibleFraction, minSide));
            }
        }

        return candidates;
    }

    /// <summary>Kept when more than the threshold is visible and both sides exceed <paramref name="minSide"/>; either
    /// way when a value lies on its threshold to float precision (but never a box of which nothing shows).</summary>
    private static Candidate Decide(Candidate c, double minVisibleFraction, double minSide)
    {
        double width = c.Corners[2] - c.Corners[0], height = c.Corners[3] - c.Corners[1];
        bool kept = c.Fraction > minVisibleFraction && width > minSide && height > minSide;
        bool borderline = c.Fraction > 0 && (Math.Abs(c.Fraction - minVisibleFraction) <= Borderline
            || Math.Abs(width - minSide) <= Borderline || Math.Abs(height - minSide) <= Borderline);
        return c with { Kept = kept, Optional = borderline };
    }

    /// <summary>Where a region shows slot <paramref name="slot"/> resized: none when it shows that source in place.</summary>
    private static List<Placement> Placements(MixRegion region, int slot, SpatialShape spatial)
    {
        var placements = new List<Placement>();
        if (region is ResizeRegion r && slot == 1)
        {
            // The partner's box (the whole partner without one) is stretched onto the sample's box.
            double scaleY = (double)(r.Bottom - r.Top) / (r.PartnerBottom - r.PartnerTop), scaleX = (double)(r.Right - r.Left) / (r.PartnerRight - r.PartnerLeft);
            placements.Add(new Placement(r.Top - (r.PartnerTop * scaleY), r.Left - (r.PartnerLeft * scaleX), scaleY, scaleX, r.Top, r.Left, r.Bottom, r.Right));
        }
        else if (region is MosaicRegion m)
        {
            for (int q = 0; q < MosaicRegion.Quadrants; q++)
            {
                if (m.Slots[q] != slot)
                {
                    continue;
                }

                // Top tiles end at the centre row and bottom ones start there; left and right likewise (MosaicRegion's remarks).
                bool top = q < 2, left = (q & 1) == 0;
                placements.Add(new Placement(
                    top ? m.CentreY - m.TileHeight : m.CentreY,
                    left ? m.CentreX - m.TileWidth : m.CentreX,
                    (double)m.TileHeight / spatial.Height,
                    (double)m.TileWidth / spatial.Width,
                    top ? 0 : m.CentreY,
                    left ? 0 : m.CentreX,
                    top ? m.CentreY : spatial.Height,
                    left ? m.CentreX : spatial.Width));
            }
        }

        return placements;
    }

    /// <summary>
    /// The part of <paramref name="box"/> slot <paramref name="slot"/> shows in place: the box cut to the bounding
    /// rectangle of the pixels where the slot has weight, the weighted overlap over the box's area, and the mean weight
    /// over the overlapped area.
    /// </summary>
    private static (double[] Clipped, double Fraction, double Mean) Measure(ReadOnlySpan<float> box, ElementSources shown, int slot, int width)
    {
        double x0 = box[0], y0 = box[1], x1 = box[2], y1 = box[3];
        double weighted = 0, overlapped = 0;
        int firstColumn = int.MaxValue, lastColumn = -1, firstRow = int.MaxValue, lastRow = -1;
        for (int row = (int)Math.Floor(y0); row < y1; row++)
        {
            for (int column = (int)Math.Floor(x0); column < x1; column++)
            {
                double overlap = (Math.Min(column + 1, x1) - Math.Max(column, x0)) * (Math.Min(row + 1, y1) - Math.Max(row, y0));
                float weight = shown.WeightOf((row * width) + column, slot);
                if (weight > 0 && overlap > 0)
                {
                    weighted += overlap * weight;
                    overlapped += overlap;
                    (firstColumn, lastColumn) = (Math.Min(firstColumn, column), Math.Max(lastColumn, column));
                    (firstRow, lastRow) = (Math.Min(firstRow, row), Math.Max(lastRow, row));
                }
            }
        }

        if (lastRow < 0)
        {
            return ([x0, y0, x0, y0], 0, 0);
        }

        double[] clipped = [Math.Max(x0, firstColumn), Math.Max(y0, firstRow), Math.Min(x1, lastColumn + 1), Math.Min(y1, lastRow + 1)];
        return (clipped, weighted / ((x1 - x0) * (y1 - y0)), weighted / overlapped);
    }

    /// <summary>A source box's fate: its expected corners and weight, the fraction visible, and whether it is kept.</summary>
    internal sealed record Candidate(int Slot, int Source, int Index, int Class, double[] Corners, double Weight, double Fraction, string How)
    {
        /// <summary>Whether the box must be in the output.</summary>
        public bool Kept { get; init; }

        /// <summary>Whether it lies on a threshold, so it may be kept or dropped.</summary>
        public bool Optional { get; init; }

        public override string ToString() =>
            $"box {Index} of sample {Source} (slot {Slot}, class {Class}, {How}) at ({string.Join(", ", Corners.Select(v => v.ToString("G7", System.Globalization.CultureInfo.InvariantCulture)))}), weight {Weight:G7}, visible fraction {Fraction:G7}";
    }

    /// <summary>A source resized by (ScaleY, ScaleX) with its origin at (Top, Left), shown in the rectangle [ShowTop, ShowBottom) × [ShowLeft, ShowRight).</summary>
    private readonly record struct Placement(double Top, double Left, double ScaleY, double ScaleX, int ShowTop, int ShowLeft, int ShowBottom, int ShowRight)
    {
        /// <summary>The box moved with its source and clipped to the shown rectangle, and the fraction of its moved area that stays.</summary>
        public (double[] Corners, double Fraction) Place(ReadOnlySpan<float> box)
        {
            double x0 = Left + (box[0] * ScaleX), y0 = Top + (box[1] * ScaleY), x1 = Left + (box[2] * ScaleX), y1 = Top + (box[3] * ScaleY);
            double cx0 = Math.Max(x0, ShowLeft), cy0 = Math.Max(y0, ShowTop), cx1 = Math.Min(x1, ShowRight), cy1 = Math.Min(y1, ShowBottom);
            double area = Math.Max(cx1 - cx0, 0) * Math.Max(cy1 - cy0, 0);
            return ([cx0, cy0, Math.Max(cx1, cx0), Math.Max(cy1, cy0)], area / ((x1 - x0) * (y1 - y0)));
        }

        public override string ToString() => $"resized by ({ScaleY:G4}, {ScaleX:G4}) to rows [{ShowTop}, {ShowBottom}) cols [{ShowLeft}, {ShowRight})";
    }
}
