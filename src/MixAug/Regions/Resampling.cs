using System.Collections.Concurrent;
using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Regions;

/// <summary>
/// The one resampler of resized sources (<see cref="ResizeRegion"/>, <see cref="MosaicRegion"/>): separable bilinear
/// with half-pixel centres, antialiased when shrinking (see <see cref="ResizeRegion"/>'s remarks for the definition),
/// and the nearest-neighbour rule dense targets follow it by.
/// </summary>
internal static class Resampling
{
    /// <summary>
    /// Writes <paramref name="destination"/>.Length outputs of output row <paramref name="row"/>, from output column
    /// <paramref name="firstColumn"/> on, of <paramref name="plane"/> resized by <paramref name="rows"/> ×
    /// <paramref name="columns"/>. Rows are combined first (in float32, over the input columns the outputs read only),
    /// then columns, each output a weighted sum in input order.
    /// </summary>
    public static void ResizeRow(ReadOnlySpan<float> plane, int width, Taps rows, int row, Taps columns, int firstColumn, Span<float> scratch, Span<float> destination)
    {
        int last = firstColumn + destination.Length - 1;
        Rows(plane, width, rows, row, columns.Start[firstColumn], columns.Start[last] + columns.Count[last], scratch);
        Columns(scratch, columns, firstColumn, destination);
    }

    /// <summary>The row pass: input columns [<paramref name="lo"/>, <paramref name="hi"/>) of output row
    /// <paramref name="row"/> into the same columns of <paramref name="scratch"/>, each the rows' weighted sum in
    /// input order.</summary>
    internal static void Rows(ReadOnlySpan<float> plane, int width, Taps rows, int row, int lo, int hi, Span<float> scratch)
    {
        Span<float> line = scratch[lo..hi];
        int first = rows.Start[row];
        ReadOnlySpan<float> weights = rows.WeightsOf(row);
        TensorPrimitives.Multiply(plane.Slice((first * width) + lo, hi - lo), weights[0], line);
        for (int k = 1; k < weights.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(plane.Slice(((first + k) * width) + lo, hi - lo), weights[k], line, line);
        }
    }

    /// <summary>
    /// The column pass: output x is <c>((0 + w₀·l₀) + w₁·l₁) + …</c> over its taps in input order, then + 0 for each
    /// padding tap up to <see cref="Taps.Padded"/>, so the eight outputs an AVX2 gather makes at once and the scalar
    /// tail (and machines without AVX2) give the same bits.
    /// </summary>
    internal static unsafe void Columns(ReadOnlySpan<float> line, Taps columns, int firstColumn, Span<float> destination)
    {
        int n = destination.Length, taps = columns.Padded, outputs = columns.Start.Length, x = 0;
        fixed (float* l = line)
        fixed (int* start = columns.Start)
        fixed (int* count = columns.Count)
        fixed (float* weights = columns.PaddedWeights)
        fixed (float* d = destination)
        {
            if (Avx2.IsSupported)
            {
                for (; x + 8 <= n; x += 8)
                {
                    int o = firstColumn + x;
                    Vector256<int> first = Avx.LoadVector256(start + o), used = Avx.LoadVector256(count + o);
                    Vector256<float> sum = Vector256<float>.Zero;
                    for (int k = 0; k < taps; k++)
                    {
                        // Lanes past their output's taps load nothing and add w·0 = 0 (their padded weight is 0).
                        Vector256<int> tap = Vector256.Create(k);
                        Vector256<float> live = Avx2.CompareGreaterThan(used, tap).AsSingle();
                        Vector256<float> values = Avx2.GatherMaskVector256(Vector256<float>.Zero, l, Avx2.Add(first, tap), live, 4);
                        sum = Avx.Add(sum, Avx.Multiply(Avx.LoadVector256(weights + ((long)k * outputs) + o), values));
                    }

                    Avx.Store(d + x, sum);
                }
            }

            for (; x < n; x++)
            {
                int o = firstColumn + x;
                float sum = 0f;
                for (int k = 0; k < taps; k++)
                {
                    sum += weights[((long)k * outputs) + o] * (k < count[o] ? l[start[o] + k] : 0f);
                }

                d[x] = sum;
            }
        }
    }

    /// <summary>
    /// The input a dense target takes output <paramref name="output"/> from when <paramref name="inputs"/> are resized to
    /// <paramref name="outputs"/>: the input whose cell holds the output's centre, ⌊(i + ½)·n/m⌋ (PyTorch's
    /// <c>nearest-exact</c>), computed in integers so no rounding can move it.
    /// </summary>
    public static int Nearest(int inputs, int outputs, int output) => (int)(((long)inputs * ((2L * output) + 1)) / (2L * outputs));

    /// <summary>The antialiased bilinear taps of one axis: for each output, its first input and its weights.</summary>
    internal sealed class Taps
    {
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

            Padded = Count.Max();
            PaddedWeights = new float[Padded * outputs];
            for (int i = 0; i < outputs; i++)
            {
                for (int k = 0; k < Count[i]; k++)
                {
                    PaddedWeights[(k * outputs) + i] = _weights[(i * _stride) + k];
                }
            }
        }

        /// <summary>The first input of each output.</summary>
        public int[] Start { get; }

        /// <summary>The number of taps of each output.</summary>
        public int[] Count { get; }

        /// <summary>The most taps of any output.</summary>
        public int Padded { get; }

        /// <summary>Weight k of output i at <c>k·outputs + i</c>, 0 past the output's taps: the column pass's layout.</summary>
        public float[] PaddedWeights { get; }

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
                Interlocked.Add(ref _cached, taps._weights.Length + taps.PaddedWeights.Length);
            }

            return taps;
        }

        /// <summary>The weights of output <paramref name="i"/>, from its first input on.</summary>
        public ReadOnlySpan<float> WeightsOf(int i) => _weights.AsSpan(i * _stride, Count[i]);
    }
}
