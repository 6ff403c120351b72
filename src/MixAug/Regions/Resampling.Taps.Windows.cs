using System.Runtime.Intrinsics.X86;

namespace MixAug.Regions;

internal static partial class Resampling
{
    internal sealed partial class Taps
    {
        /// <summary>The layout of <see cref="ColumnsWindowed"/>, or null where it does not apply (no AVX-512, or fewer
        /// than <see cref="WindowLayout.FewestOutputs"/> outputs' taps fit a window: shrinking by more than about 6).</summary>
        public WindowLayout? Windows { get; }

        /// <summary>
        /// The column pass by permutes: a block of up to sixteen consecutive outputs reads a window of 32 inputs from
        /// the block's first output's first input, held in two registers; tap k of every lane is one permute of that
        /// window, by the lane's index, times the lane's weight. Shrinking by s, an output has about 2s taps, where the
        /// dense blocks multiply each of about 10s inputs by eight lanes' weights, most of them 0.
        /// </summary>
        internal sealed class WindowLayout
        {
            /// <summary>The lanes of a block: one 512-bit vector of floats.</summary>
            public const int Lanes = 16;

            /// <summary>The inputs a window holds: two registers.</summary>
            public const int Window = 32;

            /// <summary>Below this many outputs per block the dense blocks are as quick.</summary>
            public const int FewestOutputs = 4;

            private WindowLayout(int blockOutputs, int[] first, int tapCount, int[] packed)
            {
                BlockOutputs = blockOutputs;
                First = first;
                TapCount = tapCount;
                Packed = packed;
            }

            /// <summary>The outputs of a block: the most (up to <see cref="Lanes"/>) whose taps all lie within a window of
            /// every block; the lanes past them compute values nobody reads.</summary>
            public int BlockOutputs { get; }

            /// <summary>The first input of each block's window: its first output's first input.</summary>
            public int[] First { get; }

            /// <summary>The taps every lane adds: the most any output has (lanes with fewer add weight 0 last).</summary>
            public int TapCount { get; }

            /// <summary>
            /// Block b's tap k, one after another so that a block's taps are read from one address that moves on: the
            /// lanes' window indices at <c>(b·TapCount + k)·32 + l</c>, then their weights' bits 16 further on. A lane's
            /// taps past its last repeat its last with weight 0, so a lane reads only inputs its output reads; lanes past
            /// the block's outputs read the window's first input (the block's first output's) with weight 0.
            /// </summary>
            public int[] Packed { get; }

            /// <summary>The elements the layout holds, for the cache's budget.</summary>
            public int Length => Packed.Length;

            /// <summary>The layout of <paramref name="taps"/>, or null where it does not apply.</summary>
            public static WindowLayout? For(Taps taps, int outputs)
            {
                if (!Avx512F.IsSupported)
                {
                    return null;
                }

                int size = Lanes;
                while (size >= FewestOutputs && Spread(taps, outputs, size) > Window)
                {
                    size--;
                }

                if (size < FewestOutputs)
                {
                    return null;
                }

                int blocks = (outputs + size - 1) / size, tapCount = taps.Count.Max();
                var first = new int[blocks];
                var packed = new int[blocks * tapCount * 2 * Lanes];
                for (int i = 0; i < outputs; i++)
                {
                    int b = i / size, lane = i % size, count = taps.Count[i];
                    first[b] = taps.Start[b * size];
                    ReadOnlySpan<float> w = taps.WeightsOf(i);
                    for (int k = 0; k < tapCount; k++)
                    {
                        int at = (((b * tapCount) + k) * 2 * Lanes) + lane;
                        packed[at] = taps.Start[i] + Math.Min(k, count - 1) - first[b];
                        packed[at + Lanes] = BitConverter.SingleToInt32Bits(k < count ? w[k] : 0f);
                    }
                }

                return new WindowLayout(size, first, tapCount, packed);
            }

            /// <summary>The most inputs any block of <paramref name="size"/> outputs reads, from its first output's first.</summary>
            private static int Spread(Taps taps, int outputs, int size)
            {
                int spread = 0;
                for (int b = 0; b * size < outputs; b++)
                {
                    spread = Math.Max(spread, taps.End[Math.Min(outputs, (b + 1) * size) - 1] - taps.Start[b * size]);
                }

                return spread;
            }
        }
    }
}
