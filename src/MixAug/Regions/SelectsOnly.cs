using MixAug.Masks;

namespace MixAug.Regions;

/// <summary>
/// Whether a region gives every element wholly to one source, unchanged: keeps, boxes, tiles, saliency masks, explicit
/// masks of weights 0 and 1 only, and FMix masks whose soft edge holds no weight strictly between 0 and 1. Such a region
/// mixes integer data exactly (the CPU and libtorch paths copy or select its elements); blends, soft masks and resized
/// sources weigh or interpolate.
/// </summary>
/// <remarks>An FMix mask is binary when <see cref="MaskThreshold"/>'s layout, which every rasteriser follows, gives it a
/// ramp of at most two steps: no soft width, an own count of 0 or every element, or a width that rounds to at most one
/// element each side; a ramp of two steps is <c>linspace(1, 0, 2)</c>, the weights 1 and 0.</remarks>
internal sealed class SelectsOnly : IMixRegionVisitor<bool>
{
    public static readonly SelectsOnly Instance = new();

    private SelectsOnly()
    {
    }

    public bool VisitKeep(KeepRegion region) => true;

    public bool VisitBlend(BlendRegion region) => false;

    public bool VisitBox(BoxRegion region) => true;

    public bool VisitMask(MaskRegion region)
    {
        foreach (float w in region.Weights)
        {
            if (w is not (0f or 1f))
            {
                return false;
            }
        }

        return true;
    }

    public bool VisitFourierMask(FourierMaskRegion region) =>
        MaskThreshold.Layout(region.Noise.Spatial.Size, region.OwnCount, region.MaxSoft).RampTotal <= 2;

    public bool VisitSaliencyMask(SaliencyMaskRegion region) => true;

    public bool VisitTiles(TileRegion region) => true;

    public bool VisitSoftBox(SoftBoxRegion region) => false; // Gaussian tails blend

    public bool VisitResize(ResizeRegion region) => false; // the box shows resized, interpolated values

    public bool VisitMosaic(MosaicRegion region) => false; // every tile is resized, interpolated
}
