using System.Numerics.Tensors;

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
        int lo = columns.Start[firstColumn], hi = columns.Start[last] + columns.WeightsOf(last).Length;
        Span<float> line = scratch[lo..hi];
        int first = rows.Start[row];
        ReadOnlySpan<float> weights = rows.WeightsOf(row);
        TensorPrimitives.Multiply(plane.Slice((first * width) + lo, hi - lo), weights[0], line);
        for (int k = 1; k < weights.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(plane.Slice(((first + k) * width) + lo, hi - lo), weights[k], line, line);
        }

        for (int x = 0; x < destination.Length; x++)
        {
            ReadOnlySpan<float> wx = columns.WeightsOf(firstColumn + x);
            ReadOnlySpan<float> from = scratch.Slice(columns.Start[firstColumn + x], wx.Length);
            float sum = 0f;
            for (int k = 0; k < wx.Length; k++)
            {
                sum += wx[k] * from[k];
            }

            destination[x] = sum;
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
        private readonly int[] _count;
        private readonly float[] _weights;
        private readonly int _stride;

        public Taps(int inputs, int outputs)
        {
            double scale = (double)inputs / outputs;
            double support = Math.Max(scale, 1.0);
            _stride = (int)Math.Ceiling(support) * 2 + 1;
            Start = new int[outputs];
            _count = new int[outputs];
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
                _count[i] = count;
                for (int k = 0; k < count; k++)
                {
                    _weights[(i * _stride) + k] = (float)(raw[k] / total);
                }
            }
        }

        /// <summary>The first input of each output.</summary>
        public int[] Start { get; }

        /// <summary>The weights of output <paramref name="i"/>, from its first input on.</summary>
        public ReadOnlySpan<float> WeightsOf(int i) => _weights.AsSpan(i * _stride, _count[i]);
    }
}
