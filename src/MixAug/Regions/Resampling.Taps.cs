using System.Collections.Concurrent;

namespace MixAug.Regions;

internal static partial class Resampling
{
    /// <summary>
    /// The antialiased bilinear taps of one axis: for each output, its first input and its weights; and the same
    /// weights laid out densely for the column pass, eight outputs (a block) at a time.
    /// </summary>
    internal sealed partial class Taps
    {
        /// <summary>The outputs of a block: one 256-bit vector of floats.</summary>
        public const int BlockOutputs = 8;

        // Taps are shared by every region of the same sizes (a plan draws a few sizes, many times), so mixing a new plan
        // builds few and allocates little; the cache stops growing past a budget of weights.
        private const long CacheBudget = 1 << 22;
        private static readonly ConcurrentDictionary<(int Inputs, int Outputs), Taps> Cache = new();
        private static long _cached;

        private readonly float[] _weights;
        private readonly int _stride;

        private Taps(int inputs, int outputs)
        {
            double scale = (double)inputs / outputs;
            double support = Math.Max(scale, 1.0);
            _stride = (int)Math.Ceiling(support) * 2 + 1;
            Inputs = inputs;
            Start = new int[outputs];
            Count = new int[outputs];
            _weights = new float[outputs * _stride];
            var raw = new double[_stride];
            for (int i = 0; i < outputs; i++)
            {
                double centre = scale * (i + 0.5);
                int min = Math.Max((int)(centre - support + 0.5), 0); // truncation toward zero, as PyTorch's int64 cast
                int end = Math.Min((int)(centre + support + 0.5), inputs);
                double total = 0;
                for (int j = min; j < end; j++)
                {
                    raw[j - min] = Math.Max(0, 1 - Math.Abs((j + 0.5 - centre) / support));
                    total += raw[j - min];
                }

                // Trailing zero weights are dropped, so every tap read carries weight.
                int count = end - min;
                while (count > 1 && raw[count - 1] == 0)
                {
                    count--;
                }

                Start[i] = min;
                Count[i] = count;
                for (int k = 0; k < count; k++)
                {
                    _weights[(i * _stride) + k] = (float)(raw[k] / total);
                }
            }

            End = new int[outputs];
            for (int i = 0; i < outputs; i++)
            {
                End[i] = Math.Max(i > 0 ? End[i - 1] : 0, Start[i] + Count[i]);
            }

            (BlockFirst, BlockSpan, BlockWeights) = Blocks(inputs, outputs);
            Windows = WindowLayout.For(this, outputs);
        }

        /// <summary>The number of inputs.</summary>
        public int Inputs { get; }

        /// <summary>The first input of each output.</summary>
        public int[] Start { get; }

        /// <summary>The number of taps of each output.</summary>
        public int[] Count { get; }

        /// <summary>The end of the inputs outputs 0 to i read, a running maximum of <c>Start + Count</c>, so outputs
        /// [f, i] read inputs within [Start[f], End[i]).</summary>
        public int[] End { get; }

        /// <summary>The first input of each block (outputs <c>[8b, 8b + 8)</c>); the block reads
        /// <see cref="BlockSpan"/> inputs from there, all within the axis.</summary>
        public int[] BlockFirst { get; }

        /// <summary>The inputs every block reads: the most any block's outputs span, so every block is alike.</summary>
        public int BlockSpan { get; }

        /// <summary>Block b's weight of input <c>BlockFirst[b] + j</c> for its output lane l at
        /// <c>(b·BlockSpan + j)·8 + l</c>: the output's weight where the input is one of its taps, else 0.</summary>
        public float[] BlockWeights { get; }

        /// <summary>The taps of <paramref name="inputs"/> resized to <paramref name="outputs"/>, shared while the cache has room.</summary>
        public static Taps For(int inputs, int outputs)
        {
            if (Cache.TryGetValue((inputs, outputs), out Taps? taps))
            {
                return taps;
            }

            taps = new Taps(inputs, outputs);
            if (Interlocked.Read(ref _cached) < CacheBudget && Cache.TryAdd((inputs, outputs), taps))
            {
                Interlocked.Add(ref _cached, taps._weights.Length + taps.BlockWeights.Length + (taps.Windows?.Length ?? 0));
            }

            return taps;
        }

        /// <summary>The weights of output <paramref name="i"/>, from its first input on.</summary>
        public ReadOnlySpan<float> WeightsOf(int i) => _weights.AsSpan(i * _stride, Count[i]);

        /// <summary>The dense blocks: a block starts at its first output's first input (moved back where the common
        /// span would pass the last input), so an output's taps lie at <c>Start − BlockFirst</c> on.</summary>
        private (int[] First, int Span, float[] Weights) Blocks(int inputs, int outputs)
        {
            int blocks = (outputs + BlockOutputs - 1) / BlockOutputs, span = 1;
            for (int b = 0; b < blocks; b++)
            {
                int last = Math.Min(outputs, (b + 1) * BlockOutputs);
                for (int i = b * BlockOutputs; i < last; i++)
                {
                    span = Math.Max(span, Start[i] + Count[i] - Start[b * BlockOutputs]);
                }
            }

            var first = new int[blocks];
            var weights = new float[blocks * span * BlockOutputs];
            for (int b = 0; b < blocks; b++)
            {
                first[b] = Math.Min(Start[b * BlockOutputs], inputs - span);
                for (int lane = 0; lane < BlockOutputs && (b * BlockOutputs) + lane < outputs; lane++)
                {
                    int i = (b * BlockOutputs) + lane;
                    ReadOnlySpan<float> w = WeightsOf(i);
                    for (int k = 0; k < w.Length; k++)
                    {
                        weights[((((b * span) + Start[i] - first[b]) + k) * BlockOutputs) + lane] = w[k];
                    }
                }
            }

            return (first, span, weights);
        }
    }
}
