namespace MixAug.Cpu;

/// <summary>
/// The element-wise arithmetic of mixing for one element type. Implementations are static so the JIT specialises
/// the executor for each type with no virtual calls in the inner loops.
/// </summary>
/// <typeparam name="T">The element type of the batch.</typeparam>
internal unsafe interface IMixKernels<T>
    where T : unmanaged
{
    /// <summary>Elements per work segment: small enough that a segment of self, partner, destination and the in-place spare all stay in L1.</summary>
    static abstract int SegmentTarget { get; }

    /// <summary><c>dst[k] = self[k]·selfWeight + partner[k]·partnerWeight</c>, in float, in this order, with no fused multiply-add.</summary>
    static abstract void Blend(T* self, T* partner, T* destination, int count, float selfWeight, float partnerWeight);

    /// <summary><c>dst[k] = self[k]·m[k] + partner[k]·(1 − m[k])</c>, in float, with no fused multiply-add.</summary>
    static abstract void MaskBlend(T* self, T* partner, float* mask, T* destination, int count);
}
