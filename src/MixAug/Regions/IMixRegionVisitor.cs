namespace MixAug.Regions;

/// <summary>
/// One method per kind of <see cref="MixRegion"/>. Every interpreter of regions (the CPU mixer, the TorchSharp mixer,
/// the JSON form, the rasteriser, MixAssert, the contact sheet) implements it, so a new kind of region does not
/// compile until each of them handles it: there is no default branch that could quietly treat an unknown region as
/// something else.
/// </summary>
/// <typeparam name="TResult">What the interpreter returns per region.</typeparam>
/// <remarks>The set of region kinds is closed (regions cannot be subclassed outside MixAug); adding a kind is a
/// breaking change of this interface, on purpose.</remarks>
public interface IMixRegionVisitor<out TResult>
{
    /// <summary>Interprets a <see cref="KeepRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitKeep(KeepRegion region);

    /// <summary>Interprets a <see cref="BlendRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitBlend(BlendRegion region);

    /// <summary>Interprets a <see cref="BoxRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitBox(BoxRegion region);

    /// <summary>Interprets a <see cref="MaskRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitMask(MaskRegion region);

    /// <summary>Interprets a <see cref="FourierMaskRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitFourierMask(FourierMaskRegion region);

    /// <summary>Interprets a <see cref="SaliencyMaskRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitSaliencyMask(SaliencyMaskRegion region);

    /// <summary>Interprets a <see cref="TileRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitTiles(TileRegion region);

    /// <summary>Interprets a <see cref="SoftBoxRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitSoftBox(SoftBoxRegion region);

    /// <summary>Interprets a <see cref="ResizeRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitResize(ResizeRegion region);

    /// <summary>Interprets a <see cref="MosaicRegion"/>.</summary>
    /// <param name="region">The region.</param>
    /// <returns>The interpreter's result.</returns>
    TResult VisitMosaic(MosaicRegion region);
}
