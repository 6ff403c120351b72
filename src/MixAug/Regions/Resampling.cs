using System.Numerics.Tensors;
using System.Runtime.Intrinsics.X86;

namespace MixAug.Regions;

/// <summary>
/// The one resampler of resized sources (<see cref="ResizeRegion"/>, <see cref="MosaicRegion"/>): separable bilinear
/// with half-pixel centres, antialiased when shrinking (see <see cref="ResizeRegion"/>'s remarks for the definition),
/// and the nearest-neighbour rule dense targets follow it by.
/// </summary>
/// <remarks>
/// The float order is part of the definition (tests pin the uint8 path, TorchSharp's CPU-kernel path and a scalar
/// reference to it bit for bit): each output row first combines whole input rows, <c>(w₀·r₀ + w₁·r₁) + …</c> in input
/// order; then each output element is <c>((0 + w₀·l₀) + w₁·l₁) + …</c> over its taps in input order; every product
/// and sum rounded on its own (no fused multiply-add). The vector kernels below keep that order lane by lane.
/// </remarks>
internal static partial class Resampling
{
    /// <summary>The scratch <see cref="ResizeRow"/> needs for planes <paramref name="width"/> wide resized to at most
    /// that width (as boxes and tiles are): a row pass line of the input width and the column pass's whole blocks.</summary>
    public static int ScratchLength(int width) => (2 * width) + (2 * Taps.BlockOutputs);

    /// <summary>
    /// Writes <paramref name="destination"/>.Length outputs of output row <paramref name="row"/>, from output column
    /// <paramref name="firstColumn"/> on, of <paramref name="plane"/> resized by <paramref name="rows"/> ×
    /// <paramref name="columns"/>. Rows are combined first (in float32, over the input columns the outputs read only),
    /// then columns, each output a weighted sum in input order. <paramref name="scratch"/> holds at least
    /// <see cref="ScratchLength"/>(<paramref name="width"/>) elements.
    /// </summary>
    public static void ResizeRow(ReadOnlySpan<float> plane, int width, Taps rows, int row, Taps columns, int firstColumn, Span<float> scratch, Span<float> destination)
    {
        int last = firstColumn + destination.Length - 1;
        Span<float> line = scratch[..width];
        int lo = columns.Start[firstColumn], hi = columns.End[last];
        Rows(plane, width, rows, row, lo, hi, line);
        Columns(line, columns, firstColumn, lo, hi, scratch[width..], destination);
    }

    /// <summary>The row pass: input columns [<paramref name="lo"/>, <paramref name="hi"/>) of output row
    /// <paramref name="row"/> into the same columns of <paramref name="line"/>, each <c>(w₀·r₀ + w₁·r₁) + …</c> in
    /// input order. One TensorPrimitives call per tap streams one input row at a time with the line in L1; a fused
    /// loop over all taps of 32 columns at a time measured 1.4 to 1.9 times slower (--profile-resample), its reads
    /// hopping between the tap rows. Parts of rows are prefetched (<see cref="PrefetchAhead"/>).</summary>
    internal static void Rows(ReadOnlySpan<float> plane, int width, Taps rows, int row, int lo, int hi, Span<float> line)
    {
        if (hi - lo < width)
        {
            PrefetchAhead(plane, width, rows, row, lo, hi);
        }

        Span<float> inputs = line[lo..hi];
        int first = rows.Start[row];
        ReadOnlySpan<float> weights = rows.WeightsOf(row);
        TensorPrimitives.Multiply(plane.Slice((first * width) + lo, hi - lo), weights[0], inputs);
        for (int k = 1; k < weights.Length; k++)
        {
            TensorPrimitives.MultiplyAdd(plane.Slice(((first + k) * width) + lo, hi - lo), weights[k], inputs, inputs);
        }
    }

    /// <summary>
    /// Asks for the input rows the next two output rows add, over columns [<paramref name="lo"/>, <paramref name="hi"/>).
    /// A part of each row (a Mosaic quadrant's) is a short run of cache lines per row, which the hardware prefetcher
    /// does not follow; asking ahead took the Mosaic row pass from 25.5-28.5 to 19.9-22.0 ms CPU per batch in one
    /// process (--profile-resample, contended). Whole rows are one contiguous stream it follows: there asking ahead
    /// measured slower (5.4-6.2 against 7.1-7.4 ms), so <see cref="Rows"/> asks only for parts of rows. Asking for the
    /// rows of the next one, two or four output rows measured alike (19.7-23.0 ms).
    /// </summary>
    private static unsafe void PrefetchAhead(ReadOnlySpan<float> plane, int width, Taps rows, int row, int lo, int hi)
    {
        if (!Sse.IsSupported)
        {
            return;
        }

        const int LineFloats = 16; // a 64-byte cache line
        int last = rows.Start.Length - 1;
        int from = rows.End[Math.Min(row, last)], to = rows.End[Math.Min(row + 2, last)];
        fixed (float* first = plane)
        {
            for (int r = from; r < to; r++)
            {
                float* at = first + ((long)r * width);
                for (int c = lo; c < hi; c += LineFloats)
                {
                    Sse.Prefetch0(at + c);
                }

                Sse.Prefetch0(at + hi - 1);
            }
        }
    }

    /// <summary>
    /// The input a dense target takes output <paramref name="output"/> from when <paramref name="inputs"/> are resized to
    /// <paramref name="outputs"/>: the input whose cell holds the output's centre, ⌊(i + ½)·n/m⌋ (PyTorch's
    /// <c>nearest-exact</c>), computed in integers so no rounding can move it.
    /// </summary>
    public static int Nearest(int inputs, int outputs, int output) => (int)(((long)inputs * ((2L * output) + 1)) / (2L * outputs));
}
