using MixAug.Internal;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// Applies a <see cref="MixPlan"/> to a batch in managed memory, with SIMD kernels on all processor cores. It draws no
/// random numbers. The batch is <c>[B, …, spatial…]</c> row-major (a contiguous TorchSharp tensor): images
/// <c>[B, C, H, W]</c>, a uint8 label map <c>[B, H, W]</c>, features <c>[B, C, h, w]</c> of a plan drawn over
/// <c>h × w</c>; a plan of keeps and blends applies to any <c>[B, …]</c> buffer, a <c>[B, D]</c> vector too.
/// </summary>
/// <remarks>
/// <para>For each sample with own weight λ and partner p: a <see cref="KeepRegion"/> copies x[i]; a
/// <see cref="BlendRegion"/> writes <c>x[i]·λf + x[p]·μf</c> with λf = (float)λ and μf = (float)(1 − λ), computed in
/// float32 exactly in that order (more sources: the running sum plus <c>x[s_k]·(float)w_k</c>, in slot order); a
/// <see cref="BoxRegion"/> copies x[p] inside the box and x[i] outside; masks write <c>x[i]·m + x[p]·(1 − m)</c> per
/// element with the weights of <see cref="RegionRasterizer"/>; tiles copy each tile's source. uint8 batches compute the
/// same in float32 and round half to even (timm's <c>FastCollateMixup</c>). Results are bit-identical whatever the
/// processor count or configuration.</para>
/// <para>Source and destination may be the same memory (in-place mixing, correct for any plan) or disjoint; a partial
/// overlap is rejected. Arguments are checked before anything is written.</para>
/// <para>A call allocates no managed memory once warmed up, except when a plan that is not a pairwise permutation is
/// mixed in place (a pooled snapshot of the batch).</para>
/// </remarks>
/// <threadsafety>Safe to call from several threads on different destinations.</threadsafety>
public static class CpuMixer
{
    /// <summary>Mixes a float32 batch from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="source">The batch: B whole samples whose trailing extent is the plan's (any size for keeps and blends).</param>
    /// <param name="destination">The output, the same length; the same memory as <paramref name="source"/> for in-place mixing.</param>
    /// <param name="configuration">Threads and scratch; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, or the buffers partially overlap.</exception>
    public static void Apply(MixPlan plan, ReadOnlySpan<float> source, Span<float> destination, MixConfiguration? configuration = null) =>
        Run<float, FloatKernels>(plan, source, destination, configuration);

    /// <summary>Mixes a float32 batch in place.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="batch">The batch; overwritten with the mixed batch.</param>
    /// <param name="configuration">Threads and scratch; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">The length does not fit the plan.</exception>
    public static void ApplyInPlace(MixPlan plan, Span<float> batch, MixConfiguration? configuration = null)
    {
        CheckInPlace(plan, batch.Length);
        Apply(plan, batch, batch, configuration);
    }

    /// <summary>Mixes a uint8 batch (before normalisation, or a label map) from <paramref name="source"/> into <paramref name="destination"/>.</summary>
    /// <param name="plan">The plan to apply; blends of more than two sources are refused (rounding happens once per element).</param>
    /// <param name="source">The batch: B whole samples whose trailing extent is the plan's.</param>
    /// <param name="destination">The output, the same length; the same memory as <paramref name="source"/> for in-place mixing.</param>
    /// <param name="configuration">Threads and scratch; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the plan, the buffers partially overlap, or a sample
    /// blends more than two sources.</exception>
    public static void Apply(MixPlan plan, ReadOnlySpan<byte> source, Span<byte> destination, MixConfiguration? configuration = null) =>
        Run<byte, ByteKernels>(plan, source, destination, configuration);

    /// <summary>Mixes a uint8 batch in place.</summary>
    /// <param name="plan">The plan to apply.</param>
    /// <param name="batch">The batch; overwritten with the mixed batch.</param>
    /// <param name="configuration">Threads and scratch; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    /// <exception cref="ArgumentException">The length does not fit the plan, or a sample blends more than two sources.</exception>
    public static void ApplyInPlace(MixPlan plan, Span<byte> batch, MixConfiguration? configuration = null)
    {
        CheckInPlace(plan, batch.Length);
        Apply(plan, batch, batch, configuration);
    }

    /// <summary>The length check of <see cref="Run"/> under the in-place overloads' parameter name.</summary>
    private static void CheckInPlace(MixPlan plan, int length)
    {
        ArgumentNullException.ThrowIfNull(plan);
        BatchLayout.For(plan, length, "batch");
    }

    /// <summary>Checks every argument, then pins both buffers for the synchronous run of the job.</summary>
    private static unsafe void Run<T, TKernels>(MixPlan plan, ReadOnlySpan<T> source, Span<T> destination, MixConfiguration? configuration)
        where T : unmanaged
        where TKernels : IMixKernels<T>
    {
        ArgumentNullException.ThrowIfNull(plan);
        BatchLayout layout = BatchLayout.For(plan, source.Length, nameof(source));
        Guard.Length(destination.Length, source.Length, nameof(destination), "the source");
        Guard.NoPartialOverlap(source, destination, nameof(destination));
        if (MixJob<T, TKernels>.Unsupported(plan) is string reason)
        {
            throw new ArgumentException(reason, nameof(plan));
        }

        if (ClipFrames.Applies(plan))
        {
            (plan, layout) = ClipFrames.AsImages(plan, layout);
        }

        configuration ??= MixConfiguration.Default;
        MixJob<T, TKernels> job = configuration.Rent<MixJob<T, TKernels>>();
        try
        {
            fixed (T* s = source)
            fixed (T* d = destination)
            {
                job.Run(plan, s, d, layout, configuration);
            }
        }
        finally
        {
            configuration.Return(job);
        }
    }
}
