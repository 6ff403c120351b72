using System.Buffers;
using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Labels;

/// <content>How the three forms are written: sample by sample, split over the configuration's workers.</content>
public static partial class LabelMapMixer
{
    /// <summary>
    /// One of the three forms written sample by sample, split by sample over the configuration's workers once its output
    /// reaches <see cref="ParallelThresholdBytes"/>: a sample's output is a few block copies or one pass over its
    /// elements, so one thread stays below the memory bandwidth two reach (the 128×224×224 uint8 maps of a MixUp plan:
    /// 1.29 ms on one thread, 0.65 on two). Each part has its own <see cref="PixelSources"/> scratch, rented from the
    /// configuration.
    /// </summary>
    /// <remarks>
    /// Hard maps take their samples along the partner chains (<see cref="FollowsPartners"/>), the other forms in batch
    /// order.
    /// </remarks>
    private abstract unsafe class SamplePass<T>(MixPlan plan, T* labels, int n, MixConfiguration configuration) : IParallelWork
        where T : unmanaged
    {
        private const long ParallelThresholdBytes = 1 << 20;

        // The order of the samples when they follow their partners (rented for one run); null for batch order.
        private int[]? _order;

        protected MixPlan Plan => plan;

        protected int N => n;

        /// <summary>
        /// Whether samples are taken along their partner chains (a sample, its partner, the partner's partner, …; with
        /// the flip pairing i and B − 1 − i next to each other) instead of in batch order: the partner map a sample reads
        /// is then the own map the next sample reads, from the core's cache, so each map comes from memory about once
        /// instead of once as a sample and again as a partner read by another part. It pays where the output is no
        /// larger than the maps; outputs several times larger (pairs, soft targets) are written faster in order.
        /// </summary>
        protected virtual bool FollowsPartners => false;

        /// <summary>Writes every sample, on one thread below the threshold (<paramref name="outputBytes"/>).</summary>
        public void Run(long outputBytes)
        {
            if (FollowsPartners)
            {
                _order = ArrayPool<int>.Shared.Rent(plan.BatchSize);
                OrderByPartnerChains(plan, _order.AsSpan(0, plan.BatchSize));
            }

            try
            {
                configuration.Workers.Run(this, outputBytes < ParallelThresholdBytes ? 1 : Math.Min(plan.BatchSize, configuration.Workers.Parallelism));
            }
            finally
            {
                if (_order is not null)
                {
                    ArrayPool<int>.Shared.Return(_order);
                    _order = null;
                }
            }
        }

        public void Execute(int part, int parts)
        {
            int first = (int)((long)plan.BatchSize * part / parts), end = (int)((long)plan.BatchSize * (part + 1) / parts);
            var all = new ReadOnlySpan<T>(labels, plan.BatchSize * n);

            // Scratch of this part's thread, kept by the configuration between calls: a box's weights alone are a
            // plane of floats (200 KB at 224x224), which every call allocated anew.
            PixelSources sources = configuration.Rent<PixelSources>();
            sources.Configuration = configuration;
            try
            {
                for (int k = first; k < end; k++)
                {
                    Sample(_order is null ? k : _order[k], all, sources);
                }
            }
            finally
            {
                configuration.Return(sources);
            }
        }

        /// <summary>Writes sample <paramref name="sample"/>'s output.</summary>
        protected abstract void Sample(int sample, ReadOnlySpan<T> labels, PixelSources sources);
    }

    /// <summary>Writes every sample once into <paramref name="order"/>, each chain of first partners in a row: from the
    /// first sample not yet written, its partner, that sample's partner, and so on until a sample already written.</summary>
    private static void OrderByPartnerChains(MixPlan plan, Span<int> order)
    {
        int b = plan.BatchSize, count = 0;
        Span<bool> taken = b <= 4096 ? stackalloc bool[b] : new bool[b];
        taken.Clear();
        for (int start = 0; start < b; start++)
        {
            for (int i = start; !taken[i];)
            {
                taken[i] = true;
                order[count++] = i;
                ReadOnlySpan<int> sources = plan.Sources(i);
                i = sources.Length > 1 ? sources[1] : i;
            }
        }
    }

    /// <summary>Hard maps; with <paramref name="blendedOnly"/> only the samples whose region blends somewhere (the uint8
    /// kernels wrote the others).</summary>
    private sealed unsafe class HardMaps<T>(MixPlan plan, T* labels, int n, MixConfiguration configuration, T* destination, bool blendedOnly)
        : SamplePass<T>(plan, labels, n, configuration)
        where T : unmanaged
    {
        protected override bool FollowsPartners => true;

        protected override void Sample(int sample, ReadOnlySpan<T> labels, PixelSources sources)
        {
            if (!blendedOnly || !Plan.Regions[sample].Accept(SelectsOnly.Instance))
            {
                MixSample(Plan, sample, labels, new Span<T>(destination + ((long)sample * N), N), sources);
            }
        }
    }

    /// <summary>Pairs: class A, class B and the weight of A per element.</summary>
    private sealed unsafe class PairMaps<T>(MixPlan plan, T* labels, int n, MixConfiguration configuration, int* classA, int* classB, float* weightA)
        : SamplePass<T>(plan, labels, n, configuration)
        where T : unmanaged, IBinaryInteger<T>
    {
        protected override void Sample(int sample, ReadOnlySpan<T> labels, PixelSources sources)
        {
            long at = (long)sample * N;
            PairSample(Plan, sample, labels, new Span<int>(classA + at, N), new Span<int>(classB + at, N), new Span<float>(weightA + at, N), sources);
        }
    }

    /// <summary>Soft targets <c>[B, K, spatial…]</c>.</summary>
    private sealed unsafe class SoftMaps<T>(MixPlan plan, T* labels, int n, MixConfiguration configuration, float* targets, int classCount, int ignoreIndex)
        : SamplePass<T>(plan, labels, n, configuration)
        where T : unmanaged, IBinaryInteger<T>
    {
        protected override void Sample(int sample, ReadOnlySpan<T> labels, PixelSources sources) =>
            SoftSample(Plan, sample, labels, ignoreIndex, new Span<float>(targets + ((long)sample * classCount * N), classCount * N), sources);
    }
}
