using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MixAug.Fourier;
using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// The tables that turn a <see cref="FourierNoise"/> seed into its image, for one extent, decay power and spectrum:
/// which half-spectrum bins get a random value, their scales, and the cosine and sine tables of a separable sparse
/// inverse DFT. Built once per key and shared through <see cref="MixConfiguration"/>'s cache.
/// </summary>
/// <remarks>
/// <para>The image is numpy's <c>irfftn</c> of a spectrum that is non-zero on the kept bins only (normalised by 1/N, the
/// imaginary parts <c>irfftn</c> drops dropped), computed in float32 in a fixed order: per kept column, the inverse DFT
/// along the outer axes; then per row, the sum over the kept columns with gain·cos and −gain·sin tables. Scalar and
/// vector paths use the same fused multiply-adds in the same order, so the image does not depend on the vector width.</para>
/// <para>Draws: per kept bin, in row-major order of the half spectrum, one pair of Marsaglia's polar method; the bin's
/// value is <c>(scaleRe·a, scaleIm·b)</c>.</para>
/// </remarks>
/// <threadsafety>Immutable after construction; <see cref="Synthesize"/> may run on several threads at once.</threadsafety>
internal sealed partial class FourierSynthesis
{
    /// <summary>Largest share of the image's expected variance that the dropped (weakest) bins of the paper spectrum may carry.</summary>
    internal const double DroppedVarianceLimit = 1e-4;

    private readonly int _width;
    private readonly int _outer;
    private readonly int _outerDepth;  // extent of the first outer axis (3D), else 1
    private readonly int _outerHeight; // extent of the last outer axis (2D, 3D), else 1
    private readonly double[] _scaleRe; // per kept bin
    private readonly double[] _scaleIm;
    private readonly int[] _column;    // per kept bin: index into the kept columns
    private readonly int[] _binDepth;  // per kept bin: index along the first outer axis
    private readonly int[] _heightRow; // per kept bin: row of its last-outer-axis frequency in the height tables
    private readonly int _columns;
    private readonly float[] _cos;     // [column][width]: gain·cos(2πkx/w)
    private readonly float[] _sin;     // [column][width]: −gain·sin(2πkx/w), 0 on the real-only columns
    private readonly double[] _depthCos, _depthSin; // exp(2πi·m/D)
    private readonly float[] _heightCos, _heightSin; // [row][H]: exp(2πi·q·y/H) for each kept q

    private FourierSynthesis(SpatialShape spatial, int[] bins, double[] scaleRe, double[] scaleIm, double droppedShare, int halfSpectrumBins)
    {
        Spatial = spatial;
        Bins = bins;
        DroppedVarianceShare = droppedShare;
        HalfSpectrumBins = halfSpectrumBins;
        _scaleRe = scaleRe;
        _scaleIm = scaleIm;
        _width = spatial.Width;
        int half = (_width / 2) + 1;
        _outer = spatial.Size / _width;
        _outerDepth = spatial.Rank == 3 ? spatial.Depth : 1;
        _outerHeight = spatial.Rank >= 2 ? spatial.Height : 1;
        int[] keptColumns = [.. bins.Select(b => b % half).Distinct().Order()];
        _columns = keptColumns.Length;
        _column = new int[bins.Length];
        _binDepth = new int[bins.Length];
        _heightRow = new int[bins.Length];
        var heights = new List<int>();
        for (int j = 0; j < bins.Length; j++)
        {
            int p = bins[j] / half, k = bins[j] % half;
            _column[j] = Array.IndexOf(keptColumns, k);
            _binDepth[j] = p / _outerHeight;
            int q = p % _outerHeight;
            int row = heights.IndexOf(q);
            if (row < 0)
            {
                row = heights.Count;
                heights.Add(q);
            }

            _heightRow[j] = row;
        }

        int h = _outerHeight;
        _heightCos = new float[heights.Count * h];
        _heightSin = new float[heights.Count * h];
        for (int r = 0; r < heights.Count; r++)
        {
            for (int y = 0; y < h; y++)
            {
                (double cos, double sin) = UnitRoot(2L * heights[r] * y, h);
                _heightCos[(r * h) + y] = (float)cos;
                _heightSin[(r * h) + y] = (float)sin;
            }
        }

        int n = spatial.Size;
        _cos = new float[_columns * _width];
        _sin = new float[_columns * _width];
        for (int c = 0; c < _columns; c++)
        {
            int k = keptColumns[c];
            bool realOnly = VarianceWeight(k, _width) == 1.0; // irfftn keeps only the real part of these columns
            double gain = (realOnly ? 1.0 : 2.0) / n;
            for (int x = 0; x < _width; x++)
            {
                (double cos, double sin) = UnitRoot(2L * k * x, _width);
                _cos[(c * _width) + x] = (float)(gain * cos);
                _sin[(c * _width) + x] = realOnly ? 0f : (float)(-gain * sin);
            }
        }

        _depthCos = new double[_outerDepth];
        _depthSin = new double[_outerDepth];
        for (int m = 0; m < _outerDepth; m++)
        {
            (_depthCos[m], _depthSin[m]) = UnitRoot(2L * m, _outerDepth);
        }
    }

    /// <summary>Test hook: the widest vectors the synthesis may use (512, 256, 128, or 1 for scalar code); results never depend on it.</summary>
    internal static int MaxVectorBits { get; set; } = 512;

    /// <summary>The extent of the images.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>Kept bins (indices into the half spectrum <c>[outer][W/2 + 1]</c>, row-major), in draw order.</summary>
    public int[] Bins { get; }

    /// <summary>Share of the image's expected variance carried by the dropped bins (paper spectrum); 0 for the reference.</summary>
    public double DroppedVarianceShare { get; }

    /// <summary>Number of half-spectrum bins.</summary>
    public int HalfSpectrumBins { get; }

    /// <summary>The smallest scale of a kept bin (real parts; the paper spectrum's bins all have one scale).</summary>
    public double MinKeptScale => _scaleRe.Min();

    /// <summary>Builds the tables for <paramref name="spatial"/>, <paramref name="decayPower"/> and <paramref name="spectrum"/>.</summary>
    public static FourierSynthesis Create(SpatialShape spatial, double decayPower, FourierSpectrum spectrum) =>
        spectrum == FourierSpectrum.Paper ? Paper(spatial, decayPower) : Reference(spatial, decayPower);

    /// <summary>Draws one image: one polar pair per kept bin, then the sparse inverse DFT.</summary>
    public void Synthesize(IMixRandom random, Span<float> destination)
    {
        int kept = Bins.Length;
        double[] rented = ArrayPool<double>.Shared.Rent(2 * kept);
        try
        {
            Span<double> re = rented.AsSpan(0, kept), im = rented.AsSpan(kept, kept);
            DrawBins(random, re, im);
            Transform(re, im, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Draws the values of the kept bins, one polar pair per bin in draw order: the compact form of an image, which
    /// <see cref="Synthesize"/> transforms on the CPU and a device backend uploads and transforms where its tensor lives.
    /// </summary>
    /// <param name="random">The generator, positioned as <see cref="Synthesize"/> would use it.</param>
    /// <param name="re">Receives the real parts, one per kept bin.</param>
    /// <param name="im">Receives the imaginary parts, one per kept bin.</param>
    internal void DrawBins(IMixRandom random, Span<double> re, Span<double> im)
    {
        for (int j = 0; j < Bins.Length; j++)
        {
            (double a, double b) = NormalSampler.SamplePair(random);
            re[j] = _scaleRe[j] * a;
            im[j] = _scaleIm[j] * b;
        }
    }

    /// <summary>Test hook: the image of given unit normals, one pair per kept bin in draw order.</summary>
    internal void SynthesizeFromNormals(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<float> destination)
    {
        var re = new double[Bins.Length];
        var im = new double[Bins.Length];
        for (int j = 0; j < Bins.Length; j++)
        {
            re[j] = _scaleRe[j] * a[j];
            im[j] = _scaleIm[j] * b[j];
        }

        Transform(re, im, destination);
    }

    /// <summary>The scale of kept bin <paramref name="j"/>: (real part, imaginary part).</summary>
    internal (double Re, double Im) ScaleOf(int j) => (_scaleRe[j], _scaleIm[j]);

    /// <summary>The variance weight of a half-spectrum bin in column <paramref name="k"/>: 1 on the columns whose imaginary part irfftn drops, else 4.</summary>
    internal static double VarianceWeight(int k, int width) => k == 0 || (width % 2 == 0 && k == width / 2) ? 1.0 : 4.0;

    /// <summary>exp(iπ·numerator/denominator), with the numerator reduced first so the argument never grows.</summary>
    internal static (double Re, double Im) UnitRoot(long numerator, long denominator)
    {
        long m = numerator % (2 * denominator);
        if (m < 0)
        {
            m += 2 * denominator;
        }

        double angle = Math.PI * m / denominator;
        return (Math.Cos(angle), Math.Sin(angle));
    }

    /// <summary>irfftn of the spectrum that is (re, im) on the kept bins and 0 elsewhere, in float32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Transform(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> destination)
    {
        int outer = _outer, h = _outerHeight, columns = _columns;
        float[] rented = ArrayPool<float>.Shared.Rent(2 * columns * outer);
        try
        {
            // 1. Per kept column, the inverse DFT along the outer axes, z[c][p'] = Σ X·exp(2πi·q·p'),
            //    vectorised along the last outer axis with one table row per kept frequency.
            Span<float> z = rented.AsSpan(0, 2 * columns * outer); // [c][re: outer, im: outer]
            z.Clear();
            ReadOnlySpan<float> heightCos = _heightCos, heightSin = _heightSin;
            for (int j = 0; j < Bins.Length; j++)
            {
                double xr = re[j], xi = im[j];
                Span<float> zr = z.Slice(2 * _column[j] * outer, outer), zi = z.Slice(((2 * _column[j]) + 1) * outer, outer);
                ReadOnlySpan<float> hc = heightCos.Slice(_heightRow[j] * h, h), hs = heightSin.Slice(_heightRow[j] * h, h);
                int qd = _binDepth[j], pd = 0;
                for (int d = 0; d < _outerDepth; d++)
                {
                    double dr = _depthCos[pd], di = _depthSin[pd];
                    float ar = (float)((xr * dr) - (xi * di)), ai = (float)((xr * di) + (xi * dr));
                    AddRotated(zr.Slice(d * h, h), zi.Slice(d * h, h), ar, ai, hc, hs);
                    pd += qd;
                    if (pd >= _outerDepth)
                    {
                        pd -= _outerDepth;
                    }
                }
            }

            // 2. Every row: Σ_c Re z·gain·cos − Im z·gain·sin, a [outer × 2·columns]·[2·columns × w] product.
            for (int p = 0; p < outer; p += 2)
            {
                RowPair(z, p, Math.Min(p + 1, outer - 1), destination);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>(zr, zi) += (ar + i·ai)·(hc + i·hs), elementwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddRotated(Span<float> zr, Span<float> zi, float ar, float ai, ReadOnlySpan<float> hc, ReadOnlySpan<float> hs)
    {
        int n = zr.Length, y = 0;
        if (MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
        {
            Vector256<float> vr = Vector256.Create(ar), vi = Vector256.Create(ai), vni = Vector256.Create(-ai);
            ref float r0 = ref MemoryMarshal.GetReference(zr);
            ref float i0 = ref MemoryMarshal.GetReference(zi);
            ref float c0 = ref MemoryMarshal.GetReference(hc);
            ref float s0 = ref MemoryMarshal.GetReference(hs);
            for (; y <= n - Vector256<float>.Count; y += Vector256<float>.Count)
            {
                nuint o = (nuint)y;
                Vector256<float> c = Vector256.LoadUnsafe(ref c0, o), s = Vector256.LoadUnsafe(ref s0, o);
                Vector256<float> tr = Vector256.FusedMultiplyAdd(vr, c, Vector256.LoadUnsafe(ref r0, o));
                Vector256<float> ti = Vector256.FusedMultiplyAdd(vr, s, Vector256.LoadUnsafe(ref i0, o));
                Vector256.FusedMultiplyAdd(vni, s, tr).StoreUnsafe(ref r0, o);
                Vector256.FusedMultiplyAdd(vi, c, ti).StoreUnsafe(ref i0, o);
            }
        }

        else if (MaxVectorBits >= 128 && Vector128.IsHardwareAccelerated && n >= Vector128<float>.Count)
        {
            Vector128<float> vr = Vector128.Create(ar), vi = Vector128.Create(ai), vni = Vector128.Create(-ai);
            ref float r0 = ref MemoryMarshal.GetReference(zr);
            ref float i0 = ref MemoryMarshal.GetReference(zi);
            ref float c0 = ref MemoryMarshal.GetReference(hc);
            ref float s0 = ref MemoryMarshal.GetReference(hs);
            for (; y <= n - Vector128<float>.Count; y += Vector128<float>.Count)
            {
                nuint o = (nuint)y;
                Vector128<float> c = Vector128.LoadUnsafe(ref c0, o), s = Vector128.LoadUnsafe(ref s0, o);
                Vector128<float> tr = Vector128.FusedMultiplyAdd(vr, c, Vector128.LoadUnsafe(ref r0, o));
                Vector128<float> ti = Vector128.FusedMultiplyAdd(vr, s, Vector128.LoadUnsafe(ref i0, o));
                Vector128.FusedMultiplyAdd(vni, s, tr).StoreUnsafe(ref r0, o);
                Vector128.FusedMultiplyAdd(vi, c, ti).StoreUnsafe(ref i0, o);
            }
        }

        for (; y < n; y++)
        {
            // The same fused operations in the same order as the vector lanes: results do not depend on the width.
            zr[y] = MathF.FusedMultiplyAdd(-ai, hs[y], MathF.FusedMultiplyAdd(ar, hc[y], zr[y]));
            zi[y] = MathF.FusedMultiplyAdd(ai, hc[y], MathF.FusedMultiplyAdd(ar, hs[y], zi[y]));
        }
    }

    /// <summary>
    /// Rows <paramref name="p"/> and <paramref name="q"/> (equal for a lone last row) of step 2. Two rows share every
    /// table load and give eight independent sums per block, enough to keep the FMA units busy (one row's four sums
    /// waited on the FMA latency). Each element is the same chain of fused multiply-adds at every width, so the widest
    /// lanes the machine has (up to <see cref="MaxVectorBits"/>) take what they can and narrower ones the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void RowPair(ReadOnlySpan<float> z, int p, int q, Span<float> destination)
    {
        int x = 0;
        if (MaxVectorBits >= 512 && Vector512.IsHardwareAccelerated)
        {
            x = RowPairFrom<Vector512<float>, Lanes512<float>>(z, p, q, destination, x);
        }

        if (MaxVectorBits >= 256 && Vector256.IsHardwareAccelerated)
        {
            x = RowPairFrom<Vector256<float>, Lanes256<float>>(z, p, q, destination, x);
        }

        if (MaxVectorBits >= 128 && Vector128.IsHardwareAccelerated)
        {
            // Arm64 (NEON) and x64 without AVX: four lanes.
            x = RowPairFrom<Vector128<float>, Lanes128<float>>(z, p, q, destination, x);
        }

        RowPairFrom<float, Lanes1<float>>(z, p, q, destination, x);
    }

    /// <summary>Step 2 for rows <paramref name="p"/> and <paramref name="q"/> from column <paramref name="x"/> on, in
    /// blocks of four vectors and then single vectors of <typeparamref name="TL"/>; returns the first column left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int RowPairFrom<TV, TL>(ReadOnlySpan<float> z, int p, int q, Span<float> destination, int x)
        where TV : unmanaged
        where TL : ILanes<TV, float>
    {
        int w = _width, outer = _outer, columns = _columns, v = TL.Count;
        ref float cos0 = ref MemoryMarshal.GetReference((ReadOnlySpan<float>)_cos);
        ref float sin0 = ref MemoryMarshal.GetReference((ReadOnlySpan<float>)_sin);
        ref float outP = ref MemoryMarshal.GetReference(destination.Slice(p * w, w));
        ref float outQ = ref MemoryMarshal.GetReference(destination.Slice(q * w, w));
        ref float z0 = ref MemoryMarshal.GetReference(z);
        for (; x <= w - (4 * v); x += 4 * v)
        {
            TV p0 = default, p1 = default, p2 = default, p3 = default, q0 = default, q1 = default, q2 = default, q3 = default;
            for (int c = 0; c < columns; c++)
            {
                nuint o = (nuint)((c * w) + x);
                TV c0 = TL.Load(ref cos0, o), c1 = TL.Load(ref cos0, o + (nuint)v);
                TV c2 = TL.Load(ref cos0, o + (nuint)(2 * v)), c3 = TL.Load(ref cos0, o + (nuint)(3 * v));
                TV a = TL.Create(Unsafe.Add(ref z0, (2 * c * outer) + p));
                TV b = TL.Create(Unsafe.Add(ref z0, (2 * c * outer) + q));
                p0 = TL.FusedMultiplyAdd(a, c0, p0);
                p1 = TL.FusedMultiplyAdd(a, c1, p1);
                p2 = TL.FusedMultiplyAdd(a, c2, p2);
                p3 = TL.FusedMultiplyAdd(a, c3, p3);
                q0 = TL.FusedMultiplyAdd(b, c0, q0);
                q1 = TL.FusedMultiplyAdd(b, c1, q1);
                q2 = TL.FusedMultiplyAdd(b, c2, q2);
                q3 = TL.FusedMultiplyAdd(b, c3, q3);
                c0 = TL.Load(ref sin0, o);
                c1 = TL.Load(ref sin0, o + (nuint)v);
                c2 = TL.Load(ref sin0, o + (nuint)(2 * v));
                c3 = TL.Load(ref sin0, o + (nuint)(3 * v));
                a = TL.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + p));
                b = TL.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + q));
                p0 = TL.FusedMultiplyAdd(a, c0, p0);
                p1 = TL.FusedMultiplyAdd(a, c1, p1);
                p2 = TL.FusedMultiplyAdd(a, c2, p2);
                p3 = TL.FusedMultiplyAdd(a, c3, p3);
                q0 = TL.FusedMultiplyAdd(b, c0, q0);
                q1 = TL.FusedMultiplyAdd(b, c1, q1);
                q2 = TL.FusedMultiplyAdd(b, c2, q2);
                q3 = TL.FusedMultiplyAdd(b, c3, q3);
            }

            TL.Store(p0, ref outP, (nuint)x);
            TL.Store(p1, ref outP, (nuint)(x + v));
            TL.Store(p2, ref outP, (nuint)(x + (2 * v)));
            TL.Store(p3, ref outP, (nuint)(x + (3 * v)));
            TL.Store(q0, ref outQ, (nuint)x);
            TL.Store(q1, ref outQ, (nuint)(x + v));
            TL.Store(q2, ref outQ, (nuint)(x + (2 * v)));
            TL.Store(q3, ref outQ, (nuint)(x + (3 * v)));
        }

        for (; x <= w - v; x += v)
        {
            TV sp = default, sq = default;
            for (int c = 0; c < columns; c++)
            {
                nuint o = (nuint)((c * w) + x);
                TV t = TL.Load(ref cos0, o), u = TL.Load(ref sin0, o);
                sp = TL.FusedMultiplyAdd(TL.Create(Unsafe.Add(ref z0, (2 * c * outer) + p)), t, sp);
                sq = TL.FusedMultiplyAdd(TL.Create(Unsafe.Add(ref z0, (2 * c * outer) + q)), t, sq);
                sp = TL.FusedMultiplyAdd(TL.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + p)), u, sp);
                sq = TL.FusedMultiplyAdd(TL.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + q)), u, sq);
            }

            TL.Store(sp, ref outP, (nuint)x);
            TL.Store(sq, ref outQ, (nuint)x);
        }

        return x;
    }
}
