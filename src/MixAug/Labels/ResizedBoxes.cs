using MixAug.Regions;

namespace MixAug.Labels;

/// <summary>
/// Where a region shows a source resized (ResizeMix's box, Mosaic's tiles), that source's detection boxes are moved
/// with it: scaled by the resize, shifted to where the resized source lies, and clipped to the part of the image that
/// shows it. The pixel test of <see cref="BoxMixer"/> cannot follow them, since those pixels are not at their source
/// positions.
/// </summary>
internal static class ResizedBoxes
{
    /// <summary>
    /// Writes the placements of slot <paramref name="slot"/>'s source under <paramref name="region"/> and returns their
    /// count (0 when the slot is not shown), or −1 when the slot is shown in place (or the region moves nothing), for the
    /// pixel test.
    /// </summary>
    public static int Placements(MixRegion region, int slot, Span<Placement> into)
    {
        switch (region)
        {
            case ResizeRegion resize when slot == 1:
                // The partner's box (the whole partner unless it has one) is scaled onto the sample's box; what lies
                // outside the partner's box falls outside the sample's and is clipped away.
                double scaleY = (double)(resize.Bottom - resize.Top) / resize.PartnerHeight, scaleX = (double)(resize.Right - resize.Left) / resize.PartnerWidth;
                into[0] = new Placement(
                    resize.Top - (resize.PartnerTop * scaleY),
                    resize.Left - (resize.PartnerLeft * scaleX),
                    scaleY,
                    scaleX,
                    (resize.Top, resize.Left, resize.Bottom, resize.Right));
                return 1;
            case ResizeRegion:
                return -1; // the sample's own elements outside the box are in place, cut by the box as CutMix's
            case MosaicRegion mosaic:
                int count = 0;
                for (int q = 0; q < MosaicRegion.Quadrants; q++)
                {
                    if (mosaic.Slots[q] == slot)
                    {
                        into[count++] = new Placement(
                            mosaic.TileTop(q),
                            mosaic.TileLeft(q),
                            (double)mosaic.TileHeight / mosaic.Spatial.Height,
                            (double)mosaic.TileWidth / mosaic.Spatial.Width,
                            mosaic.QuadrantBox(q));
                    }
                }

                return count;
            default:
                return -1;
        }
    }

    /// <summary>
    /// The box <c>(x0, y0, x1, y1)</c> moved by <paramref name="placement"/> and clipped to its visible rectangle, when
    /// more than <paramref name="minVisibleFraction"/> of the moved box's area stays visible and both clipped sides exceed
    /// <paramref name="minSide"/>; otherwise null.
    /// </summary>
    public static float[]? Place(ReadOnlySpan<float> box, in Placement placement, double minVisibleFraction, double minSide)
    {
        double x0 = placement.Left + (box[0] * placement.ScaleX), y0 = placement.Top + (box[1] * placement.ScaleY);
        double x1 = placement.Left + (box[2] * placement.ScaleX), y1 = placement.Top + (box[3] * placement.ScaleY);
        (int top, int left, int bottom, int right) = placement.Visible;
        double cx0 = Math.Max(x0, left), cy0 = Math.Max(y0, top), cx1 = Math.Min(x1, right), cy1 = Math.Min(y1, bottom);
        if (cx1 <= cx0 || cy1 <= cy0)
        {
            return null;
        }

        double fraction = (cx1 - cx0) * (cy1 - cy0) / ((x1 - x0) * (y1 - y0));
        return fraction > minVisibleFraction && cx1 - cx0 > minSide && cy1 - cy0 > minSide
            ? [(float)cx0, (float)cy0, (float)cx1, (float)cy1]
            : null;
    }

    /// <summary>Where a resized source lies: its origin in the output, its scale per axis, and the half-open output
    /// rectangle (top, left, bottom, right) that shows it.</summary>
    internal readonly record struct Placement(double Top, double Left, double ScaleY, double ScaleX, (int Top, int Left, int Bottom, int Right) Visible);
}
