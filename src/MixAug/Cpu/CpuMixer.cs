using MixAug.Internal;
using MixAug.Planning;

namespace MixAug.Cpu;

/// <summary>
/// Applies a <see cref="MixPlan"/> to a planar batch in managed memory (<c>[B, C, spatial…]</c>, row-major, as a
/// contiguous TorchSharp tensor), with SIMD kernels on all processor cores. It draws no random numbers.
/// </summary>
/// <remarks>
/// <para>For each sample i with partner p and lambda λ: a <see cref="KeepRegion"/> copies x[i]; a
/// <see cref="BlendRegion"/> writes <c>x[i]·λf + x[p]·μf</c> with λf = (float)λ and μf = (float)(1 − λ), computed in
/// float32 exactly in that order; a <see cref="BoxRegion"/> copies x[p] inside the box and x[i] outside; a
/// <see cref="MaskRegion"/> writes <c>x[i]·m + x[p]·(1 − m)</c> per pixel. uint8 batches compute the same in float32
/// and round half to even (timm's <c>FastCollateMixup</c>). Results are bit-identical whatever the processor count.</para>
/// <para>Source and destination may be the same memory (in-place mixing, correct for any partner permutation) or
/// disjoint; a partial overlap is rejected. Arguments are checked before anything is written.</para>
/// <para>A call allocates no managed memory once warmed up (the worker threads start on first use).</para>
/// </remarks>
/// <threadsafety>Safe to call from several threads on different destinations.</threadsafety>
public static class CpuMixer
{
    /// <summary>Mixes a float32 batch from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="source">The batch, <c>plan.Shape.ElementCount</c> floats.</param>
    /// <param name="destination">The output, the same length; the same memory as <paramref name="source"/> for in-place mixing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length differs from the plan's element count, or the buffers partially overlap.</exception>
    public static void Apply(MixPlan plan, ReadOnlySpan<float> source, Span<float> destination) =>
        Run<float, FloatKernels>(plan, source, destination);

    /// <summary>Mixes a float32 batch in place.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="batch">The batch, <c>plan.Shape.ElementCount</c> floats; overwritten with the mixed batch.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">The length differs from the plan's element count.</exception>
    public static void ApplyInPlace(MixPlan plan, Span<float> batch) => Apply(plan, batch, batch);

    /// <summary>Mixes a uint8 batch (before normalisation) from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="source">The batch, <c>plan.Shape.ElementCount</c> bytes.</param>
    /// <param name="destination">The output, the same length; the same memory as <paramref name="source"/> for in-place mixing.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length differs from the plan's element count, or the buffers partially overlap.</exception>
    public static void Apply(MixPlan plan, ReadOnlySpan<byte> source, Span<byte> destination) =>
        Run<byte, ByteKernels>(plan, source, destination);

    /// <summary>Mixes a uint8 batch in place.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="batch">The batch, <c>plan.Shape.ElementCount</c> bytes; overwritten with the mixed batch.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">The length differs from the plan's element count.</exception>
    public static void ApplyInPlace(MixPlan plan, Span<byte> batch) => Apply(plan, batch, batch);

    /// <summary>Checks every argument, then pins both buffers for the synchronous run of the job.</summary>
    private static unsafe void Run<T, TKernels>(MixPlan plan, ReadOnlySpan<T> source, Span<T> destination)
        where T : unmanaged
        where TKernels : IMixKernels<T>
    {
        ArgumentNullException.ThrowIfNull(plan);
        Guard.Length(source.Length, plan.Shape, nameof(source));
        Guard.Length(destination.Length, plan.Shape, nameof(destination));
        Guard.NoPartialOverlap(source, destination, nameof(destination));
        fixed (T* s = source)
        fixed (T* d = destination)
        {
            MixJob<T, TKernels>.Run(plan, s, d);
        }
    }
}
