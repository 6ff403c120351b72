using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MixAug.Fourier;

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
internal sealed partial class SpectralResidualGrid
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
