using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MixAug.Fourier;
using MixAug.Planning;

namespace MixAug.Saliency;

/// <content>Steps 1 and 2: the image resampled onto the grid by area weights, transposed.</content>
internal sealed partial class SpectralResidualGrid
{
    /// <summary>
    /// Steps 1 and 2 without the 1/C of the channel mean (the map does not depend on the image's scale), writing the
    /// grid <b>transposed</b> into <see cref="Re"/> (<c>Re[j·stride + i]</c> = cell (i, j)): per block of 8 grid rows,
    /// each image row they cover is read once, its channel sum (vectorised along x) added with its area weight to
    /// the block's rows it overlaps; the block is transposed in tiles and every cell's weighted column sum is then a
    /// vector over the block's 8 rows. Returns the grid's minimum and maximum (NaN if a value is NaN).
    /// </summary>
    public (float Low, float High) Resample(ReadOnlySpan<float> sample, BatchShape shape, AreaResampling weights)
    {
        int paddedWidth = (shape.Width + GridBlock - 1) / GridBlock * GridBlock;
        if (_block.Length < 2 * GridBlock * paddedWidth)
        {
            _block = new float[2 * GridBlock * paddedWidth];
        }

        switch (SimdLanes.Width<float>())
        {
            case 512:
                Resample<Vector512<float>, Lanes512<float>, Vector256<float>, Lanes256<float>>(sample, shape, weights, paddedWidth);
                break;
            case 256:
                Resample<Vector256<float>, Lanes256<float>, Vector256<float>, Lanes256<float>>(sample, shape, weights, paddedWidth);
                break;
            case 128:
                Resample<Vector128<float>, Lanes128<float>, Vector128<float>, Lanes128<float>>(sample, shape, weights, paddedWidth);
                break;
            default:
                Resample<float, Lanes1<float>, float, Lanes1<float>>(sample, shape, weights, paddedWidth);
                break;
        }

        int r = Resolution, stride = Stride;
        float low = float.PositiveInfinity, high = float.NegativeInfinity;
        int rows = stride == r ? 1 : r, length = stride == r ? r * r : r;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> cells = Re.AsSpan(i * stride, length);
            low = Math.Min(low, TensorPrimitives.Min(cells));
            high = Math.Max(high, TensorPrimitives.Max(cells));
        }

        return (low, high);
    }

    /// <summary>Grid rows resampled together (the lanes of the column step).</summary>
    private const int GridBlock = 8;

    private float[] _block = [];

    /// <typeparam name="TV">Vectors along the image rows.</typeparam>
    /// <typeparam name="TW">Their lanes.</typeparam>
    /// <typeparam name="TB">Vectors across the block's 8 grid rows (at most 256 bits).</typeparam>
    /// <typeparam name="TL">Their lanes.</typeparam>
    private void Resample<TV, TW, TB, TL>(ReadOnlySpan<float> sample, BatchShape shape, AreaResampling weights, int paddedWidth)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
        where TB : unmanaged
        where TL : struct, ILanes<TB, float>
    {
        int r = Resolution, stride = Stride, w = shape.Width, c = shape.Channels;
        nint plane = shape.PlaneSize;
        ref float image = ref MemoryMarshal.GetReference(sample);
        Span<float> block = _block.AsSpan(0, GridBlock * paddedWidth);   // [8][paddedWidth]
        Span<float> columns = _block.AsSpan(GridBlock * paddedWidth, GridBlock * paddedWidth); // [paddedWidth][8]
        ref float acc = ref MemoryMarshal.GetReference(block);
        ref float across = ref MemoryMarshal.GetReference(columns);
        ref float cells = ref MemoryMarshal.GetArrayDataReference(Re);
        ReadOnlySpan<int> xStart = weights.ColumnStart, xCount = weights.ColumnCount;
        ReadOnlySpan<float> xWeights = weights.ColumnWeight;
        int xTaps = weights.ColumnTaps;
        int vectorEnd = w - (w % TW.Count);
        Span<nint> targets = stackalloc nint[GridBlock];
        Span<float> targetWeights = stackalloc float[GridBlock];
        for (int first = 0; first < r; first += GridBlock)
        {
            int end = Math.Min(first + GridBlock, r);
            block.Clear();
            int yFrom = weights.RowStart[first], yTo = yFrom;
            for (int i = first; i < end; i++)
            {
                yTo = Math.Max(yTo, weights.RowStart[i] + weights.RowCount[i]);
            }

            for (int y = yFrom; y < yTo; y++)
            {
                // The block's rows that image row y feeds, in ascending order.
                int n = 0;
                for (int k = weights.ImageRowStart[y]; k < weights.ImageRowStart[y + 1]; k++)
                {
                    int target = weights.ImageRowTarget[k];
                    if (target >= first && target < end)
                    {
                        targets[n] = (nint)(target - first) * paddedWidth;
                        targetWeights[n++] = weights.ImageRowWeight[k];
                    }
                }

                ref float line = ref Unsafe.Add(ref image, (nint)y * w);
                AccumulateRow<TV, TW>(ref line, plane, c, targets.Slice(0, n), targetWeights.Slice(0, n), ref acc, 0, vectorEnd);
                AccumulateRow<float, Lanes1<float>>(ref line, plane, c, targets.Slice(0, n), targetWeights.Slice(0, n), ref acc, vectorEnd, w);
            }

            // [8][x] → [x][8], then cell (i, j) for the block's rows i at once: Re[j·stride + first … + 8].
            MultiFft.Transpose<float>(block, paddedWidth, columns, GridBlock, GridBlock, paddedWidth);
            for (int j = 0; j < r; j++)
            {
                ReadOnlySpan<float> tapWeights = xWeights.Slice(j * xTaps, xCount[j]);
                ref float taps = ref Unsafe.Add(ref across, (nint)xStart[j] * GridBlock);
                for (int lane = 0; lane < GridBlock; lane += TL.Count)
                {
                    TB sum = TL.Create(0f);
                    for (int t = 0; t < tapWeights.Length; t++)
                    {
                        sum = TL.Add(sum, TL.Multiply(TL.Create(tapWeights[t]), TL.Load(ref taps, (nuint)((t * GridBlock) + lane))));
                    }

                    TL.Store(sum, ref cells, (nuint)((j * stride) + first + lane));
                }
            }
        }
    }

    /// <summary>
    /// For x in [from, to): gray = Σ_ch line[ch][x] (channels in order), and acc[target][x] += weight·gray for each
    /// target in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateRow<TV, TW>(ref float line, nint plane, int channels, ReadOnlySpan<nint> targets, ReadOnlySpan<float> weights, ref float acc, int from, int to)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        int n = TW.Count;
        for (nint x = from; x + n <= to; x += n)
        {
            TV gray = TW.Load(ref line, (nuint)x);
            if (channels == 3)
            {
                gray = TW.Add(TW.Add(gray, TW.Load(ref line, (nuint)(x + plane))), TW.Load(ref line, (nuint)(x + (2 * plane))));
            }
            else
            {
                for (int ch = 1; ch < channels; ch++)
                {
                    gray = TW.Add(gray, TW.Load(ref line, (nuint)(x + (ch * plane))));
                }
            }

            for (int k = 0; k < targets.Length; k++)
            {
                nuint at = (nuint)(targets[k] + x);
                TW.Store(TW.Add(TW.Load(ref acc, at), TW.Multiply(TW.Create(weights[k]), gray)), ref acc, at);
            }
        }
    }
}
