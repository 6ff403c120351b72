using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MixAug.Fourier;
using MixAug.Planning;

namespace MixAug.Saliency;

/// <summary>
/// Steps 1–8 of <see cref="SpectralResidualSaliency"/> in float32, stage by stage, on buffers of one thread: four
/// planes of <c>[r][stride]</c> floats (stride = r rounded up to 16), a block of rows for the resampling and a row
/// for the blur. <see cref="For"/> hands out the calling thread's instance, so a batch computes every grid of a
/// worker in the same memory; an instance is never shared between threads.
/// </summary>
/// <remarks>
/// <para>Every kernel is written once over <see cref="ILanes{TV, T}"/> and runs with the widest vectors the machine
/// has (512, 256, 128 bits) and a scalar tail; each output lane is computed by the same operations in the same order,
/// each rounded once, so the grid has the same bits at every width (<see cref="SimdLanes.MaxVectorBits"/>). Only the
/// logarithm and the exponential come from <see cref="TensorPrimitives"/>.</para>
/// <para>The 2D FFTs leave their result transposed (<see cref="MultiFft.Square2DTransposed{T}"/>): the spectral step
/// is the same on a transposed spectrum (elementwise, and a 3 × 3 mean), and the inverse transposes it back.</para>
/// </remarks>
internal sealed class SpectralResidualGrid
{
    /// <summary>Workspaces up to this many cells (256 × 256: 1 MB) stay with their thread; larger ones are per call.</summary>
    private const int MaxKeptCells = 256 * 256;

    [ThreadStatic]
    private static SpectralResidualGrid? t_kept;

    // The padded row of the blur along x (grown on demand).
    private float[] _row = [];

    private SpectralResidualGrid(int resolution)
    {
        Resolution = resolution;
        Stride = FftPlan.PadStride<float>(resolution);
        int size = resolution * Stride;
        Re = new float[size];
        Im = new float[size];
        WorkRe = new float[size];
        WorkIm = new float[size];
    }

    /// <summary>Side of the grid.</summary>
    public int Resolution { get; }

    /// <summary>Row stride of the planes: <see cref="Resolution"/> rounded up to 16 (columns beyond r stay 0).</summary>
    public int Stride { get; }

    /// <summary>Plane 1: the resampled grid, later the real part of the inverse transform and the saliency.</summary>
    public float[] Re { get; }

    /// <summary>Plane 2: imaginary parts.</summary>
    public float[] Im { get; }

    /// <summary>Plane 3: the spectrum (transposed), later the x-blurred saliency.</summary>
    public float[] WorkRe { get; }

    /// <summary>Plane 4: the spectrum's imaginary parts.</summary>
    public float[] WorkIm { get; }

    /// <summary>
    /// The calling thread's workspace for a <paramref name="resolution"/>² grid. One thread runs one grid at a time
    /// (nothing calls back out while a grid is computed), so a thread's workspace is never used twice at once;
    /// workspaces of more than <see cref="MaxKeptCells"/> cells are not kept.
    /// </summary>
    public static SpectralResidualGrid For(int resolution)
    {
        SpectralResidualGrid? kept = t_kept;
        if (kept is not null && kept.Resolution == resolution)
        {
            return kept;
        }

        var created = new SpectralResidualGrid(resolution);
        if ((long)resolution * resolution <= MaxKeptCells)
        {
            t_kept = created;
        }

        return created;
    }

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

    /// <summary>
    /// Scales <see cref="Re"/> by the power of two that brings its largest magnitude into [1, 2): exact, and it keeps
    /// squared amplitudes of any float image inside the float range.
    /// </summary>
    public void Prescale(float low, float high)
    {
        int exponent = float.ILogB(Math.Max(Math.Abs(low), Math.Abs(high)));
        int r = Resolution, stride = Stride;
        while (exponent != 0)
        {
            int step = Math.Clamp(exponent, -126, 127);
            float factor = float.ScaleB(1f, -step);
            for (int i = 0; i < r; i++)
            {
                Span<float> cells = Re.AsSpan(i * stride, r);
                TensorPrimitives.Multiply(cells, factor, cells);
            }

            exponent -= step;
        }
    }

    /// <summary>Step 3: the 2D FFT of <see cref="Re"/> (imaginary part 0), transposed into <see cref="WorkRe"/>, <see cref="WorkIm"/>.</summary>
    public void Forward()
    {
        int r = Resolution, stride = Stride;
        if (stride == r)
        {
            Im.AsSpan().Clear();
        }
        else
        {
            for (int i = 0; i < r; i++)
            {
                Im.AsSpan(i * stride, r).Clear();
            }
        }

        MultiFft.Square2DTransposed<float>(r, stride, Re, Im, WorkRe, WorkIm, -1);
    }

    /// <summary>
    /// Steps 4 and 5 on the spectrum F in <see cref="WorkRe"/>, <see cref="WorkIm"/>: with P = |F|², set to
    /// (<see cref="SpectralResidualSaliency.AmplitudeFloor"/>·max|F|)² where |F| is below
    /// <see cref="SpectralResidualSaliency.ZeroAmplitude"/>·max|F| (and F to the floor, phase 0), L = ½·log P and M its 3 × 3 mean (replicated
    /// borders), exp(L − M)·F/|F| = F·exp(−M). <see cref="Re"/> and <see cref="Im"/> are scratch.
    /// </summary>
    public void Residual()
    {
        switch (SimdLanes.Width<float>())
        {
            case 512:
                Residual<Vector512<float>, Lanes512<float>>();
                return;
            case 256:
                Residual<Vector256<float>, Lanes256<float>>();
                return;
            case 128:
                Residual<Vector128<float>, Lanes128<float>>();
                return;
            default:
                Residual<float, Lanes1<float>>();
                return;
        }
    }

    private void Residual<TV, TW>()
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        int r = Resolution, stride = Stride;
        int vectorEnd = r - (r % TW.Count);
        ref float fr = ref MemoryMarshal.GetArrayDataReference(WorkRe);
        ref float fi = ref MemoryMarshal.GetArrayDataReference(WorkIm);
        ref float power = ref MemoryMarshal.GetArrayDataReference(Re);
        ref float sums = ref MemoryMarshal.GetArrayDataReference(Im);

        // P = re² + im², and its maximum and minimum.
        TV most = TW.Create(0f), least = TW.Create(float.PositiveInfinity);
        float mostTail = 0f, leastTail = float.PositiveInfinity;
        for (int i = 0; i < r; i++)
        {
            nuint o = (nuint)(i * stride);
            for (nuint j = 0; j < (nuint)vectorEnd; j += (nuint)TW.Count)
            {
                TV a = TW.Load(ref fr, o + j), b = TW.Load(ref fi, o + j);
                TV p = TW.Add(TW.Multiply(a, a), TW.Multiply(b, b));
                TW.Store(p, ref power, o + j);
                most = TW.Max(most, p);
                least = TW.Min(least, p);
            }

            for (nuint j = (nuint)vectorEnd; j < (nuint)r; j++)
            {
                float a = Unsafe.Add(ref fr, o + j), b = Unsafe.Add(ref fi, o + j);
                float p = (a * a) + (b * b);
                Unsafe.Add(ref power, o + j) = p;
                mostTail = Math.Max(mostTail, p);
                leastTail = Math.Min(leastTail, p);
            }
        }

        float maxP = mostTail, minP = leastTail;
        for (int k = 0; k < TW.Count; k++)
        {
            maxP = Math.Max(maxP, TW.Element(most, k));
            minP = Math.Min(minP, TW.Element(least, k));
        }

        // Amplitudes below ZeroAmplitude·max are zeros (float32 rounding noise at best) and take the floor.
        double maxAmplitude = Math.Sqrt(maxP);
        float zero2 = (float)(maxAmplitude * SpectralResidualSaliency.ZeroAmplitude);
        zero2 *= zero2;
        float floor = (float)(maxAmplitude * SpectralResidualSaliency.AmplitudeFloor);
        float floor2 = floor * floor;
        if (minP < zero2)
        {
            for (int i = 0; i < r; i++)
            {
                for (int j = 0; j < r; j++)
                {
                    int o = (i * stride) + j;
                    if (Re[o] < zero2)
                    {
                        Re[o] = floor2;
                        WorkRe[o] = floor;
                        WorkIm[o] = 0;
                    }
                }
            }
        }

        // log P, in place.
        ForEachRow(Re, static cells => TensorPrimitives.Log(cells, cells));

        // Row sums of three (replicated ends) into Im.
        for (int i = 0; i < r; i++)
        {
            nuint o = (nuint)(i * stride);
            ref float l = ref Unsafe.Add(ref power, o);
            ref float s = ref Unsafe.Add(ref sums, o);
            int inner = r - 1; // outputs 1 … r − 2 read j − 1 … j + 1
            nuint j = 1;
            for (; j + (nuint)TW.Count <= (nuint)inner; j += (nuint)TW.Count)
            {
                TW.Store(TW.Add(TW.Add(TW.Load(ref l, j - 1), TW.Load(ref l, j)), TW.Load(ref l, j + 1)), ref s, j);
            }

            for (; j < (nuint)inner; j++)
            {
                Unsafe.Add(ref s, j) = (Unsafe.Add(ref l, j - 1) + Unsafe.Add(ref l, j)) + Unsafe.Add(ref l, j + 1);
            }

            s = (l + l) + Unsafe.Add(ref l, 1);
            Unsafe.Add(ref s, r - 1) = (Unsafe.Add(ref l, r - 2) + Unsafe.Add(ref l, r - 1)) + Unsafe.Add(ref l, r - 1);
        }

        // −M = −(sum of three row sums)/18 (L = ½·log P), into Re: row i reads only the row sums.
        const float MinusEighteenth = -1f / 18;
        TV scale = TW.Create(MinusEighteenth);
        for (int i = 0; i < r; i++)
        {
            nuint above = (nuint)(Math.Max(i - 1, 0) * stride), here = (nuint)(i * stride), below = (nuint)(Math.Min(i + 1, r - 1) * stride);
            nuint j = 0;
            for (; j < (nuint)vectorEnd; j += (nuint)TW.Count)
            {
                TV total = TW.Add(TW.Add(TW.Load(ref sums, above + j), TW.Load(ref sums, here + j)), TW.Load(ref sums, below + j));
                TW.Store(TW.Multiply(total, scale), ref power, here + j);
            }

            for (; j < (nuint)r; j++)
            {
                float total = (Unsafe.Add(ref sums, above + j) + Unsafe.Add(ref sums, here + j)) + Unsafe.Add(ref sums, below + j);
                Unsafe.Add(ref power, here + j) = total * MinusEighteenth;
            }
        }

        // exp(−M), then F·exp(−M).
        ForEachRow(Re, static cells => TensorPrimitives.Exp(cells, cells));
        for (int i = 0; i < r; i++)
        {
            nuint o = (nuint)(i * stride);
            nuint j = 0;
            for (; j < (nuint)vectorEnd; j += (nuint)TW.Count)
            {
                TV e = TW.Load(ref power, o + j);
                TW.Store(TW.Multiply(TW.Load(ref fr, o + j), e), ref fr, o + j);
                TW.Store(TW.Multiply(TW.Load(ref fi, o + j), e), ref fi, o + j);
            }

            for (; j < (nuint)r; j++)
            {
                float e = Unsafe.Add(ref power, o + j);
                Unsafe.Add(ref fr, o + j) *= e;
                Unsafe.Add(ref fi, o + j) *= e;
            }
        }
    }

    /// <summary>Step 6: the inverse FFT of the spectrum back into <see cref="Re"/>, <see cref="Im"/>, then |·|² into <see cref="Re"/>.</summary>
    public void Inverse()
    {
        int r = Resolution, stride = Stride;
        MultiFft.Square2DTransposed<float>(r, stride, WorkRe, WorkIm, Re, Im, +1);
        int rows = stride == r ? 1 : r, length = stride == r ? r * r : r;
        for (int i = 0; i < rows; i++)
        {
            Span<float> re = Re.AsSpan(i * stride, length);
            Span<float> im = Im.AsSpan(i * stride, length);
            TensorPrimitives.Multiply(re, re, re);
            TensorPrimitives.MultiplyAdd(im, im, re, re);
        }
    }

    /// <summary>Step 7: the separable blur with replicated borders, in place on <see cref="Re"/> (x into <see cref="WorkRe"/>, then y back).</summary>
    public void Blur(ReadOnlySpan<float> kernel)
    {
        switch (SimdLanes.Width<float>())
        {
            case 512:
                Blur<Vector512<float>, Lanes512<float>>(kernel);
                return;
            case 256:
                Blur<Vector256<float>, Lanes256<float>>(kernel);
                return;
            case 128:
                Blur<Vector128<float>, Lanes128<float>>(kernel);
                return;
            default:
                Blur<float, Lanes1<float>>(kernel);
                return;
        }
    }

    private void Blur<TV, TW>(ReadOnlySpan<float> kernel)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        int r = Resolution, stride = Stride, radius = kernel.Length / 2;
        if (_row.Length < r + (2 * radius))
        {
            _row = new float[r + (2 * radius)];
        }

        Span<float> padded = _row.AsSpan(0, r + (2 * radius));
        ref float pad = ref MemoryMarshal.GetReference(padded);
        ref float taps = ref MemoryMarshal.GetReference(kernel);
        ref float values = ref MemoryMarshal.GetArrayDataReference(Re);
        ref float across = ref MemoryMarshal.GetArrayDataReference(WorkRe);
        int vectorEnd = r - (r % TW.Count);
        for (int i = 0; i < r; i++)
        {
            ReadOnlySpan<float> source = Re.AsSpan(i * stride, r);
            padded.Slice(0, radius).Fill(source[0]);
            source.CopyTo(padded.Slice(radius));
            padded.Slice(radius + r).Fill(source[r - 1]);
            ref float target = ref Unsafe.Add(ref across, i * stride);
            WeightedSum<TV, TW>(ref pad, 1, ref taps, kernel.Length, ref target, 0, vectorEnd);
            WeightedSum<float, Lanes1<float>>(ref pad, 1, ref taps, kernel.Length, ref target, vectorEnd, r);
        }

        Span<nint> rows = kernel.Length <= 128 ? stackalloc nint[kernel.Length] : new nint[kernel.Length];
        for (int i = 0; i < r; i++)
        {
            for (int t = 0; t < kernel.Length; t++)
            {
                rows[t] = Math.Clamp(i + t - radius, 0, r - 1) * stride;
            }

            ref float target = ref Unsafe.Add(ref values, i * stride);
            WeightedRows<TV, TW>(ref across, rows, ref taps, ref target, 0, vectorEnd);
            WeightedRows<float, Lanes1<float>>(ref across, rows, ref taps, ref target, vectorEnd, r);
        }
    }

    /// <summary>target[j] = Σ_t taps[t]·source[j + t·step] for j in [from, to), taps in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedSum<TV, TW>(ref float source, int step, ref float taps, int count, ref float target, int from, int to)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        for (nint j = from; j + TW.Count <= to; j += TW.Count)
        {
            TV sum = TW.Create(0f);
            for (int t = 0; t < count; t++)
            {
                sum = TW.Add(sum, TW.Multiply(TW.Create(Unsafe.Add(ref taps, t)), TW.Load(ref source, (nuint)(j + (t * step)))));
            }

            TW.Store(sum, ref target, (nuint)j);
        }
    }

    /// <summary>target[j] = Σ_t taps[t]·source[rows[t] + j] for j in [from, to), taps in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightedRows<TV, TW>(ref float source, ReadOnlySpan<nint> rows, ref float taps, ref float target, int from, int to)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        for (nint j = from; j + TW.Count <= to; j += TW.Count)
        {
            TV sum = TW.Create(0f);
            for (int t = 0; t < rows.Length; t++)
            {
                sum = TW.Add(sum, TW.Multiply(TW.Create(Unsafe.Add(ref taps, t)), TW.Load(ref source, (nuint)(rows[t] + j))));
            }

            TW.Store(sum, ref target, (nuint)j);
        }
    }

    /// <summary>
    /// Step 8: (s − min)/(max − min) of <see cref="Re"/>, transposed back into <paramref name="grid"/> (r × r,
    /// row-major); all 0 when the range is 0 or not finite.
    /// </summary>
    public void Normalise(Span<float> grid)
    {
        int r = Resolution, stride = Stride;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        int rows = stride == r ? 1 : r, length = stride == r ? r * r : r;
        for (int i = 0; i < rows; i++)
        {
            ReadOnlySpan<float> cells = Re.AsSpan(i * stride, length);
            min = Math.Min(min, TensorPrimitives.Min(cells));
            max = Math.Max(max, TensorPrimitives.Max(cells));
        }

        float range = max - min;
        if (!(range > 0 && float.IsFinite(range)))
        {
            grid.Clear();
            return;
        }

        switch (SimdLanes.Width<float>())
        {
            case 512:
                Normalise<Vector512<float>, Lanes512<float>>(grid, min, range);
                return;
            case 256:
                Normalise<Vector256<float>, Lanes256<float>>(grid, min, range);
                return;
            case 128:
                Normalise<Vector128<float>, Lanes128<float>>(grid, min, range);
                return;
            default:
                Normalise<float, Lanes1<float>>(grid, min, range);
                return;
        }
    }

    private void Normalise<TV, TW>(Span<float> grid, float min, float range)
        where TV : unmanaged
        where TW : struct, ILanes<TV, float>
    {
        int r = Resolution, stride = Stride;
        ref float source = ref MemoryMarshal.GetArrayDataReference(Re);
        ref float target = ref MemoryMarshal.GetArrayDataReference(WorkRe);
        TV low = TW.Create(min), width = TW.Create(range);
        int vectorEnd = r - (r % TW.Count);
        for (int i = 0; i < r; i++)
        {
            nuint from = (nuint)(i * stride), to = from;
            nuint j = 0;
            for (; j < (nuint)vectorEnd; j += (nuint)TW.Count)
            {
                TW.Store(TW.Divide(TW.Subtract(TW.Load(ref source, from + j), low), width), ref target, to + j);
            }

            for (; j < (nuint)r; j++)
            {
                Unsafe.Add(ref target, to + j) = (Unsafe.Add(ref source, from + j) - min) / range;
            }
        }

        // The planes hold the grid transposed (see Resample).
        MultiFft.Transpose<float>(WorkRe, stride, grid, r, r, r);
    }

    /// <summary>Runs <paramref name="action"/> on the r × r cells of <paramref name="plane"/>: at once when the rows are unpadded.</summary>
    private void ForEachRow(float[] plane, SpanAction action)
    {
        int r = Resolution, stride = Stride;
        if (stride == r)
        {
            action(plane.AsSpan(0, r * r));
            return;
        }

        for (int i = 0; i < r; i++)
        {
            action(plane.AsSpan(i * stride, r));
        }
    }

    private delegate void SpanAction(Span<float> cells);
}

/// <summary>
/// The area weights of one image size (steps 1–2), in float: per grid row the image rows it covers and their
/// weights, per grid column the image columns and theirs (zero weights trimmed).
/// </summary>
internal sealed class AreaResampling
{
    public AreaResampling(int height, int width, int resolution)
    {
        (RowStart, RowCount, RowWeight, RowTaps) = Trimmed(height, resolution);
        (ColumnStart, ColumnCount, ColumnWeight, ColumnTaps) = Trimmed(width, resolution);
        ImageRowStart = new int[height + 1];
        for (int i = 0; i < resolution; i++)
        {
            for (int t = 0; t < RowCount[i]; t++)
            {
                ImageRowStart[RowStart[i] + t + 1]++;
            }
        }

        for (int y = 0; y < height; y++)
        {
            ImageRowStart[y + 1] += ImageRowStart[y];
        }

        ImageRowTarget = new int[ImageRowStart[height]];
        ImageRowWeight = new float[ImageRowStart[height]];
        int[] filled = ImageRowStart[..^1];
        for (int i = 0; i < resolution; i++) // ascending grid rows: each image row's targets come out sorted
        {
            for (int t = 0; t < RowCount[i]; t++)
            {
                int k = filled[RowStart[i] + t]++;
                ImageRowTarget[k] = i;
                ImageRowWeight[k] = RowWeight[(i * RowTaps) + t];
            }
        }
    }

    /// <summary>Image row y feeds grid rows ImageRowTarget[ImageRowStart[y] … ImageRowStart[y + 1]) with ImageRowWeight.</summary>
    public int[] ImageRowStart { get; }

    /// <summary>The grid rows of each image row, ascending (see <see cref="ImageRowStart"/>).</summary>
    public int[] ImageRowTarget { get; }

    /// <summary>Their weights.</summary>
    public float[] ImageRowWeight { get; }

    /// <summary>Per grid row, its first image row.</summary>
    public int[] RowStart { get; }

    /// <summary>Per grid row, how many image rows it covers (weights after the last positive one trimmed).</summary>
    public int[] RowCount { get; }

    /// <summary>[grid row · RowTaps + t].</summary>
    public float[] RowWeight { get; }

    /// <summary>Row stride of <see cref="RowWeight"/>.</summary>
    public int RowTaps { get; }

    /// <summary>Per grid column, its first image column.</summary>
    public int[] ColumnStart { get; }

    /// <summary>Per grid column, how many image columns it covers (trimmed like <see cref="RowCount"/>).</summary>
    public int[] ColumnCount { get; }

    /// <summary>[grid column · ColumnTaps + t].</summary>
    public float[] ColumnWeight { get; }

    /// <summary>Row stride of <see cref="ColumnWeight"/>.</summary>
    public int ColumnTaps { get; }

    /// <summary><see cref="SpectralResidualSaliency.AreaWeights"/> rounded to float, each cell's zero weights after its last positive one trimmed from its count.</summary>
    private static (int[] Start, int[] Count, float[] Weights, int Taps) Trimmed(int source, int target)
    {
        (int[] start, double[] weights, int taps) = SpectralResidualSaliency.AreaWeights(source, target);
        var count = new int[target];
        var single = new float[weights.Length];
        for (int j = 0; j < target; j++)
        {
            int n = 0;
            for (int t = 0; t < taps; t++)
            {
                double weight = weights[(j * taps) + t];
                single[(j * taps) + t] = (float)weight;
                if (weight > 0)
                {
                    n = t + 1;
                }
            }

            count[j] = n;
        }

        return (start, count, single, taps);
    }
}
