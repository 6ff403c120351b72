namespace MixAug.Cpu;

/// <summary>
/// The element-wise arithmetic of mixing for one element type. Implementations are static so the JIT specialises
/// the executor for each type with no virtual calls in the inner loops.
/// </summary>
/// <typeparam name="T">The element type of the batch.</typeparam>
internal unsafe interface IMixKernels<T>
    where T : unmanaged
{
    /// <summary>
    /// Elements per work segment (rounded to whole rows). Small enough that the segments of one cycle step and the
    /// in-place spare stay in cache; large enough that each stream through memory runs long. Measured on the project's
    /// machine: 8 KB segments suit float32, while uint8 ran 1.5x faster with 32 KB than with 4 KB (less arithmetic per
    /// byte moved, so memory streams dominate).
    /// </summary>
    static abstract int SegmentTarget { get; }

    /// <summary><c>dst[k] = self[k]·selfWeight + partner[k]·partnerWeight</c>, in float, in this order, with no fused multiply-add.</summary>
    static abstract void Blend(T* self, T* partner, T* destination, int count, float selfWeight, float partnerWeight);

    /// <summary>
    /// <c>dst[k] = self[k]</c> where <c>m[k]</c> is 1, <c>partner[k]</c> where it is 0, else
    /// <c>self[k]·m[k] + partner[k]·(1 − m[k])</c> in float with no fused multiply-add.
    /// </summary>
    static abstract void MaskBlend(T* self, T* partner, float* mask, T* destination, int count);

    /// <summary>
    /// <see cref="MaskBlend"/> over one row of a soft box, whose weights <c>m[k] = 1f − rowFalloff·columnFalloffs[k]</c>
    /// (one float product, one float difference, as <see cref="Regions.SoftBoxRegion"/> defines them) are computed on
    /// the way instead of read from a rasterised plane.
    /// </summary>
    static abstract void SoftRowBlend(T* self, T* partner, float* columnFalloffs, float rowFalloff, T* destination, int count);

    // The pair kernels below take `stream`: out of place, where 512-bit non-temporal stores exist and both outputs sit at
    // the same offset in a line, the outputs are streamed past the caches (whole lines written without reading them).
    // uint8 kernels, bound by arithmetic, ignore it.

    /// <summary>
    /// The two samples of a 2-cycle mixed with each other over one row of their soft boxes: <c>destinationA</c> is
    /// <see cref="SoftRowBlend"/> of <c>a</c> with <c>b</c> by <paramref name="rowA"/>, <c>destinationB</c> of <c>b</c>
    /// with <c>a</c> by <paramref name="rowB"/>, element for element the same values. Both sources are read before
    /// either output is written, so it runs in place (destinations equal to the sources) with no spare copy.
    /// </summary>
    static abstract void SoftPairRowBlend(T* a, T* b, SoftRow rowA, SoftRow rowB, T* destinationA, T* destinationB, int count, bool stream);

    /// <summary>
    /// The two samples of a 2-cycle over one row of their boxes: <c>destinationA[k]</c> is <c>b[k]</c> within
    /// <paramref name="boxA"/> and <c>a[k]</c> elsewhere, <c>destinationB[k]</c> is <c>a[k]</c> within
    /// <paramref name="boxB"/> and <c>b[k]</c> elsewhere. Both sources are read before either output is written, so it
    /// runs in place with no spare copy; in place, elements outside a sample's box may be left unwritten.
    /// </summary>
    static abstract void BoxPairRow(T* a, T* b, ColumnSpan boxA, ColumnSpan boxB, T* destinationA, T* destinationB, int count, bool stream);

    /// <summary>
    /// The two samples of a 2-cycle mixed by their weight planes: <c>destinationA</c> is <see cref="MaskBlend"/> of
    /// <c>a</c> with <c>b</c> by <paramref name="maskA"/>, <c>destinationB</c> of <c>b</c> with <c>a</c> by
    /// <paramref name="maskB"/>. Both sources are read before either output is written, so it runs in place.
    /// </summary>
    static abstract void MaskPairBlend(T* a, T* b, float* maskA, float* maskB, T* destinationA, T* destinationB, int count, bool stream);

    /// <summary>
    /// The two samples of a 2-cycle blended by fixed weights: <c>destinationA</c> is <see cref="Blend"/> of <c>a</c>
    /// with <c>b</c> by <paramref name="weightsA"/>, <c>destinationB</c> of <c>b</c> with <c>a</c> by
    /// <paramref name="weightsB"/>. Both sources are read before either output is written, so it runs in place.
    /// </summary>
    static abstract void BlendPair(T* a, T* b, BlendWeights weightsA, BlendWeights weightsB, T* destinationA, T* destinationB, int count, bool stream);
}
