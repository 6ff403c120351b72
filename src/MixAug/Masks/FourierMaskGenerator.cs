using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using MixAug.Fourier;
using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Masks;

/// <summary>
/// The masks of FMix (Harris, Marcu, Painter, Niranjan, Prügel-Bennett and Hare, "FMix: Enhancing Mixed Sample Data
/// Augmentation", arXiv:2002.12047): a random low-frequency image, thresholded so that an exact number of
/// elements belongs to the sample itself. Works on sequences, images and volumes of any extents.
/// </summary>
/// <remarks>
/// <para><b>Low-frequency image.</b> Over the half spectrum of the plane (numpy's <c>rfftn</c> grid: <c>fftfreq</c>
/// along every axis but the last, <c>rfftfreq</c> along the last, in cycles per element), each bin gets
/// <c>scale·(a + i·b)</c> with a, b ~ N(0, 1) and <c>scale = 1 / max(|f|, 1/max(extents))^decayPower</c>; the image is
/// <c>irfftn</c> of that spectrum. Its expected power spectrum therefore falls as <c>|f|^(−2·decayPower)</c>.</para>
/// <para><b>Band limit (an approximation).</b> Bin (p, k) adds <c>v·scale²</c> to the expected variance of the image,
/// with v = 1 on the last-axis bins 0 and Nyquist (whose imaginary part <c>irfftn</c> halves away) and v = 4 elsewhere
/// (the bin and its mirror). The weakest bins are dropped, in increasing order of scale and only whole groups of
/// equal scale, as long as the dropped bins carry at most <see cref="DroppedVarianceLimit"/> (10⁻⁵) of the total
/// expected variance; their spectrum is 0. The kept set depends on the extents and the decay power only, never on
/// the random numbers (<see cref="KeptBinCount"/>, <see cref="DroppedVarianceShare"/>). When the kept set is small
/// (large decay powers: for decay 3 on 224×224, 318 of 25,312 bins), the image is synthesised directly from the kept
/// bins (a separable sparse inverse DFT in float32 arithmetic); otherwise (small decay powers, small planes) every
/// bin is kept and the image is the double-precision <c>irfftn</c>. Normals are drawn for kept bins only, in
/// row-major order of the half spectrum, real part then imaginary part, as pairs of Marsaglia's polar method.</para>
/// <para><b>Threshold.</b> Elements are ranked by value, largest first (values compared as float32, ties broken by
/// the smaller index, so the ranking is a total order); the first <c>ownCount</c> get weight 1 and the rest 0. With
/// soft edges, <c>s = ⌊N·min(maxSoft, λ, 1 − λ)⌋</c> with λ = ownCount/N: ranks below ownCount − s get 1, ranks in
/// [ownCount − s, ownCount + s) a linear ramp from 1 to 0 (numpy's <c>linspace(1, 0, 2s)</c>, each value rounded to
/// a multiple of 2^−24), the rest 0. The rounding makes every partial sum of the weights exact in double, so the
/// mask mean—the plan's lambda—is known exactly before the noise is drawn.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class FourierMaskGenerator
{
    /// <summary>Largest share of the image's expected variance that the dropped (weakest) bins may carry.</summary>
    internal const double DroppedVarianceLimit = 1e-5;

    private static readonly ConcurrentDictionary<(int, int, int, int, double), FourierMaskGenerator> Cache = new();

    private readonly int[] _dims;
    private readonly int _halfStride;
    private readonly int _outer;
    private readonly int _half;
    private readonly double[] _scale;

    // Band-limited synthesis (null when every bin is kept): the kept bins in row-major order, their columns and
    // outer coordinates, and per kept column cos/sin tables along the last axis with the irfftn gain folded in.
    private readonly Band? _band;

    /// <summary>Prepares the spectrum weights for the planes of <paramref name="shape"/>.</summary>
    /// <param name="shape">The batch shape; its spatial extents (1, 2 or 3 of them) are the plane's.</param>
    /// <param name="decayPower">Exponent of the frequency decay; finite and greater than 0 (the paper's default is 3).</param>
    /// <exception cref="ArgumentException"><paramref name="shape"/> is the default (empty) shape.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="decayPower"/> is not a finite positive number.</exception>
    public FourierMaskGenerator(BatchShape shape, double decayPower = 3.0)
    {
        if (shape.BatchSize == 0)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        Guard.PositiveFinite(decayPower);
        DecayPower = decayPower;
        _dims = shape.SpatialRank switch
        {
            1 => [shape.Width],
            2 => [shape.Height, shape.Width],
            _ => [shape.Depth, shape.Height, shape.Width],
        };
        PlaneSize = shape.PlaneSize;
        int w = _dims[^1];
        _half = (w / 2) + 1;
        _halfStride = FftPlan.PadStride(_half);
        _outer = PlaneSize / w;
        _scale = new double[_outer * _half];
        double floor = 1.0 / _dims.Max();
        for (int p = 0; p < _outer; p++)
        {
            int rest = p;
            double outerSquared = 0;
            for (int a = _dims.Length - 2; a >= 0; a--)
            {
                int n = _dims[a];
                int q = rest % n;
                rest /= n;
                double f = (q <= (n - 1) / 2 ? q : q - n) / (double)n; // numpy fftfreq
                outerSquared += f * f;
            }

            for (int k = 0; k < _half; k++)
            {
                double fLast = k / (double)w; // numpy rfftfreq
                double magnitude = Math.Sqrt(outerSquared + (fLast * fLast));
                _scale[(p * _half) + k] = 1.0 / Math.Pow(Math.Max(magnitude, floor), decayPower);
            }
        }

        (MinKeptScale, DroppedVarianceShare) = ChooseKeptScale(_scale, _half, w);
        KeptBinCount = _scale.Count(s => s >= MinKeptScale);
        _band = Band.TryCreate(this);
        if (_band is null)
        {
            MinKeptScale = 0; // every bin is kept
            DroppedVarianceShare = 0;
            KeptBinCount = _scale.Length;
        }
    }

    /// <summary>The decay exponent of the spectrum.</summary>
    public double DecayPower { get; }

    /// <summary>Number of elements of one mask (the shape's <see cref="BatchShape.PlaneSize"/>).</summary>
    public int PlaneSize { get; }

    /// <summary>Bins with a smaller scale are dropped (0 when every bin is kept).</summary>
    internal double MinKeptScale { get; }

    /// <summary>Share of the image's expected variance carried by the dropped bins (0 when every bin is kept).</summary>
    internal double DroppedVarianceShare { get; }

    /// <summary>Number of half-spectrum bins that get a random value.</summary>
    internal int KeptBinCount { get; }

    /// <summary>Number of half-spectrum bins.</summary>
    internal int HalfSpectrumBins => _scale.Length;

    /// <summary>True when the image is synthesised from the kept bins only (see the remarks).</summary>
    internal bool IsBandLimited => _band is not null;

    /// <summary>A shared generator for the extents of <paramref name="shape"/> and <paramref name="decayPower"/>.</summary>
    internal static FourierMaskGenerator Shared(BatchShape shape, double decayPower)
    {
        var key = (shape.SpatialRank, shape.SpatialRank == 3 ? shape.Depth : 1, shape.SpatialRank >= 2 ? shape.Height : 1, shape.Width, decayPower);
        if (Cache.TryGetValue(key, out FourierMaskGenerator? generator))
        {
            return generator;
        }

        if (Cache.Count > 64)
        {
            Cache.Clear();
        }

        return Cache.GetOrAdd(key, _ => new FourierMaskGenerator(shape, decayPower));
    }

    /// <summary>Draws one low-frequency image (the unthresholded mask) into <paramref name="destination"/>.</summary>
    /// <param name="random">The generator; exactly one polar-method pair per kept half-spectrum bin (plus rejections) is drawn.</param>
    /// <param name="destination">Receives <see cref="PlaneSize"/> values in plane order.</param>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not have <see cref="PlaneSize"/> elements.</exception>
    public void SampleLowFrequencyImage(IMixRandom random, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(random);
        Guard.Length(destination.Length, PlaneSize, nameof(destination), "one plane");
        if (_band is null)
        {
            SampleFull(random, destination);
            return;
        }

        float[] image = ArrayPool<float>.Shared.Rent(PlaneSize);
        try
        {
            Span<float> values = image.AsSpan(0, PlaneSize);
            SampleInto(random, values);
            for (int i = 0; i < values.Length; i++)
            {
                destination[i] = values[i];
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(image);
        }
    }

    /// <summary>Draws one low-frequency image as float32 (the values the threshold compares).</summary>
    internal void SampleInto(IMixRandom random, Span<float> destination)
    {
        if (_band is null)
        {
            double[] image = ArrayPool<double>.Shared.Rent(PlaneSize);
            try
            {
                Span<double> values = image.AsSpan(0, PlaneSize);
                SampleFull(random, values);
                for (int i = 0; i < values.Length; i++)
                {
                    destination[i] = (float)values[i];
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(image);
            }

            return;
        }

        int kept = _band.Bins.Length;
        double[] rented = ArrayPool<double>.Shared.Rent(2 * kept);
        try
        {
            Span<double> re = rented.AsSpan(0, kept), im = rented.AsSpan(kept, kept);
            for (int j = 0; j < kept; j++)
            {
                (double a, double b) = NormalSampler.SamplePair(random);
                double s = _scale[_band.Bins[j]];
                re[j] = s * a;
                im[j] = s * b;
            }

            _band.Synthesise(re, im, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Test hook: the image of given unit normals for every half-spectrum bin (row-major), either with the kept bins
    /// only (as <see cref="SampleLowFrequencyImage"/> when band-limited) or with all bins (the exact irfftn).
    /// </summary>
    internal void SynthesiseFromNormals(ReadOnlySpan<double> a, ReadOnlySpan<double> b, bool bandLimited, Span<double> destination)
    {
        if (bandLimited && _band is not null)
        {
            int kept = _band.Bins.Length;
            var re = new double[kept];
            var im = new double[kept];
            for (int j = 0; j < kept; j++)
            {
                int bin = _band.Bins[j];
                re[j] = _scale[bin] * a[bin];
                im[j] = _scale[bin] * b[bin];
            }

            var image = new float[PlaneSize];
            _band.Synthesise(re, im, image);
            for (int i = 0; i < image.Length; i++)
            {
                destination[i] = image[i];
            }

            return;
        }

        int size = _outer * _halfStride;
        var fullRe = new double[size];
        var fullIm = new double[size];
        for (int p = 0; p < _outer; p++)
        {
            for (int k = 0; k < _half; k++)
            {
                int bin = (p * _half) + k;
                fullRe[(p * _halfStride) + k] = _scale[bin] * a[bin];
                fullIm[(p * _halfStride) + k] = _scale[bin] * b[bin];
            }
        }

        MultiFft.InverseReal(_dims, fullRe, fullIm, _halfStride, destination);
    }

    private void SampleFull(IMixRandom random, Span<double> destination)
    {
        int size = _outer * _halfStride;
        double[] re = ArrayPool<double>.Shared.Rent(size);
        double[] im = ArrayPool<double>.Shared.Rent(size);
        try
        {
            for (int p = 0; p < _outer; p++)
            {
                int row = p * _halfStride;
                for (int k = 0; k < _half; k++)
                {
                    // MixRandom is sealed: the direct overload inlines its generator (same numbers, faster).
                    (double a, double b) = NormalSampler.SamplePair(random);
                    double s = _scale[(p * _half) + k];
                    re[row + k] = s * a;
                    im[row + k] = s * b;
                }

                for (int k = _half; k < _halfStride; k++)
                {
                    re[row + k] = 0;
                    im[row + k] = 0;
                }
            }

            MultiFft.InverseReal(_dims, re.AsSpan(0, size), im.AsSpan(0, size), _halfStride, destination);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(re);
            ArrayPool<double>.Shared.Return(im);
        }
    }

    /// <summary>The variance weight of a half-spectrum bin in column <paramref name="k"/> (see the remarks).</summary>
    internal static double VarianceWeight(int k, int width) => k == 0 || (width % 2 == 0 && k == width / 2) ? 1.0 : 4.0;

    /// <summary>
    /// The smallest kept scale: drops groups of equal scale, weakest first, while the dropped share of
    /// Σ v·scale² stays within <see cref="DroppedVarianceLimit"/>.
    /// </summary>
    private static (double MinKeptScale, double DroppedShare) ChooseKeptScale(double[] scale, int half, int width)
    {
        var order = new double[scale.Length];
        var energy = new double[scale.Length];
        double total = 0;
        for (int i = 0; i < scale.Length; i++)
        {
            order[i] = scale[i];
            energy[i] = VarianceWeight(i % half, width) * scale[i] * scale[i];
            total += energy[i];
        }

        Array.Sort(order, energy);
        double dropped = 0;
        int j = 0;
        while (j < order.Length)
        {
            int end = j;
            double group = 0;
            while (end < order.Length && order[end] == order[j])
            {
                group += energy[end++];
            }

            if (end == order.Length || dropped + group > DroppedVarianceLimit * total)
            {
                return (order[j], dropped / total);
            }

            dropped += group;
            j = end;
        }

        return (order[^1], dropped / total);
    }

    /// <summary>The sparse synthesis from the kept bins.</summary>
    private sealed class Band
    {
        private readonly int _width;
        private readonly int _outer;
        private readonly int _outerDepth;  // extent of the first outer axis (3D), else 1
        private readonly int _outerHeight; // extent of the last outer axis (2D, 3D), else 1
        private readonly int[] _column;    // per kept bin: index into the kept columns
        private readonly int[] _binDepth;  // per kept bin: index along the first outer axis
        private readonly int[] _heightRow; // per kept bin: row of its last-outer-axis frequency in _heightCos/_heightSin
        private readonly int _columns;
        private readonly float[] _cos;     // [column][width]: gain·cos(2πkx/w)
        private readonly float[] _sin;     // [column][width]: −gain·sin(2πkx/w), 0 on the real-only columns
        private readonly double[] _depthCos, _depthSin; // exp(2πi·m/D)
        private readonly float[] _heightCos, _heightSin; // [row][H]: exp(2πi·q·y/H) for each kept q

        private Band(FourierMaskGenerator g, int[] bins, int[] keptColumns)
        {
            Bins = bins;
            _width = g._dims[^1];
            _outer = g._outer;
            _outerDepth = g._dims.Length == 3 ? g._dims[0] : 1;
            _outerHeight = g._dims.Length >= 2 ? g._dims[^2] : 1;
            _columns = keptColumns.Length;
            _column = new int[bins.Length];
            _binDepth = new int[bins.Length];
            _heightRow = new int[bins.Length];
            var heights = new List<int>();
            for (int j = 0; j < bins.Length; j++)
            {
                int p = bins[j] / g._half, k = bins[j] % g._half;
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
                    (double cos, double sin) = FftPlan.UnitRoot(2L * heights[r] * y, h);
                    _heightCos[(r * h) + y] = (float)cos;
                    _heightSin[(r * h) + y] = (float)sin;
                }
            }

            int n = g.PlaneSize;
            _cos = new float[_columns * _width];
            _sin = new float[_columns * _width];
            for (int c = 0; c < _columns; c++)
            {
                int k = keptColumns[c];
                bool realOnly = VarianceWeight(k, _width) == 1.0; // irfftn keeps only the real part of these columns
                double gain = (realOnly ? 1.0 : 2.0) / n;
                for (int x = 0; x < _width; x++)
                {
                    (double cos, double sin) = FftPlan.UnitRoot(2L * k * x, _width);
                    _cos[(c * _width) + x] = (float)(gain * cos);
                    _sin[(c * _width) + x] = realOnly ? 0f : (float)(-gain * sin);
                }
            }

            _depthCos = new double[_outerDepth];
            _depthSin = new double[_outerDepth];
            for (int m = 0; m < _outerDepth; m++)
            {
                (_depthCos[m], _depthSin[m]) = FftPlan.UnitRoot(2L * m, _outerDepth);
            }
        }

        /// <summary>Kept bins (indices into the half spectrum, row-major), in draw order.</summary>
        public int[] Bins { get; }

        public static Band? TryCreate(FourierMaskGenerator g)
        {
            var bins = new List<int>();
            var columns = new SortedSet<int>();
            for (int i = 0; i < g._scale.Length; i++)
            {
                if (g._scale[i] >= g.MinKeptScale)
                {
                    bins.Add(i);
                    columns.Add(i % g._half);
                }
            }

            // Sparse cost (outer DFTs + row sums) against a budget of about 2·N·log2 N; and a clearly small set.
            long n = g.PlaneSize;
            long cost = ((long)bins.Count * g._outer) + (columns.Count * n);
            double budget = 2.0 * n * Math.Max(1.0, Math.Log2(n));
            if (bins.Count == g._scale.Length || bins.Count * 8L > g._scale.Length || cost > budget)
            {
                return null;
            }

            return new Band(g, [.. bins], [.. columns]);
        }

        /// <summary>irfftn of the spectrum that is (re, im) on the kept bins and 0 elsewhere, in float32.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Synthesise(ReadOnlySpan<double> re, ReadOnlySpan<double> im, Span<float> destination)
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
                for (int p = 0; p < outer; p++)
                {
                    RowSum(z, p, destination.Slice(p * _width, _width));
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
            if (Vector256.IsHardwareAccelerated && n >= Vector256<float>.Count)
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

            for (; y < n; y++)
            {
                // The same fused operations in the same order as the vector lanes: results do not depend on the width.
                zr[y] = MathF.FusedMultiplyAdd(-ai, hs[y], MathF.FusedMultiplyAdd(ar, hc[y], zr[y]));
                zi[y] = MathF.FusedMultiplyAdd(ai, hc[y], MathF.FusedMultiplyAdd(ar, hs[y], zi[y]));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RowSum(ReadOnlySpan<float> z, int p, Span<float> row)
        {
            int w = _width, outer = _outer, columns = _columns, x = 0;
            ref float cos0 = ref MemoryMarshal.GetReference((ReadOnlySpan<float>)_cos);
            ref float sin0 = ref MemoryMarshal.GetReference((ReadOnlySpan<float>)_sin);
            ref float out0 = ref MemoryMarshal.GetReference(row);
            ref float z0 = ref MemoryMarshal.GetReference(z);
            const int V = 8;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; x <= w - (4 * V); x += 4 * V)
                {
                    Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
                    for (int c = 0; c < columns; c++)
                    {
                        var a = Vector256.Create(Unsafe.Add(ref z0, (2 * c * outer) + p));
                        var b = Vector256.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + p));
                        nuint o = (nuint)((c * w) + x);
                        s0 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref cos0, o), s0);
                        s1 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref cos0, o + V), s1);
                        s2 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref cos0, o + (2 * V)), s2);
                        s3 = Vector256.FusedMultiplyAdd(a, Vector256.LoadUnsafe(ref cos0, o + (3 * V)), s3);
                        s0 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref sin0, o), s0);
                        s1 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref sin0, o + V), s1);
                        s2 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref sin0, o + (2 * V)), s2);
                        s3 = Vector256.FusedMultiplyAdd(b, Vector256.LoadUnsafe(ref sin0, o + (3 * V)), s3);
                    }

                    s0.StoreUnsafe(ref out0, (nuint)x);
                    s1.StoreUnsafe(ref out0, (nuint)(x + V));
                    s2.StoreUnsafe(ref out0, (nuint)(x + (2 * V)));
                    s3.StoreUnsafe(ref out0, (nuint)(x + (3 * V)));
                }

                for (; x <= w - V; x += V)
                {
                    Vector256<float> s0 = default;
                    for (int c = 0; c < columns; c++)
                    {
                        nuint o = (nuint)((c * w) + x);
                        s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref z0, (2 * c * outer) + p)), Vector256.LoadUnsafe(ref cos0, o), s0);
                        s0 = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref z0, (((2 * c) + 1) * outer) + p)), Vector256.LoadUnsafe(ref sin0, o), s0);
                    }

                    s0.StoreUnsafe(ref out0, (nuint)x);
                }
            }

            for (; x < w; x++)
            {
                float sum = 0;
                for (int c = 0; c < columns; c++)
                {
                    sum = MathF.FusedMultiplyAdd(z[(2 * c * outer) + p], _cos[(c * w) + x], sum);
                    sum = MathF.FusedMultiplyAdd(z[(((2 * c) + 1) * outer) + p], _sin[(c * w) + x], sum);
                }

                row[x] = sum;
            }
        }
    }

    /// <summary>
    /// Draws the number of own elements for a sampled λ by unbiased stochastic rounding: ⌊λ·N⌋, plus one with
    /// probability equal to the fractional part (the reference flips a fair coin between floor and ceiling, which is
    /// biased unless the fraction is 1/2). Draws one double from <paramref name="random"/>.
    /// </summary>
    /// <param name="lambda">The sampled weight of the sample itself, in [0, 1].</param>
    /// <param name="planeSize">Number of elements N (at least 1).</param>
    /// <param name="random">The generator.</param>
    /// <returns>A count in [0, N] whose expectation is λ·N.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="lambda"/> is outside [0, 1] or <paramref name="planeSize"/> is below 1.</exception>
    public static int DrawOwnCount(double lambda, int planeSize, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        Guard.Probability(lambda);
        Guard.Positive(planeSize);
        double exact = lambda * planeSize;
        double floor = Math.Floor(exact);
        int count = (int)floor + (random.NextDouble() < exact - floor ? 1 : 0);
        return Math.Clamp(count, 0, planeSize);
    }

    /// <summary>
    /// The exact mean of the mask that <see cref="Threshold"/> writes for <paramref name="ownCount"/> and
    /// <paramref name="maxSoft"/>; it depends on the counts only, not on the values.
    /// </summary>
    /// <param name="planeSize">Number of elements N.</param>
    /// <param name="ownCount">Number of elements ranked as the sample's own.</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5].</param>
    /// <returns>The mask mean, equal bit for bit to the double mean of the written weights in any order.</returns>
    public static double MaskMean(int planeSize, int ownCount, double maxSoft)
    {
        (int ones, int rampStart, int rampLength, int rampFrom, int rampTotal) = Layout(planeSize, ownCount, maxSoft);
        double sum = ones;
        for (int j = 0; j < rampLength; j++)
        {
            sum += Ramp(rampStart - rampFrom + j, rampTotal);
        }

        return sum / planeSize;
    }

    /// <summary>
    /// Thresholds <paramref name="values"/> into <paramref name="mask"/>: the <paramref name="ownCount"/> largest
    /// values get weight 1 (minus the soft edge), the rest 0 (see the remarks on <see cref="FourierMaskGenerator"/>).
    /// </summary>
    /// <param name="values">The values to rank (no NaN).</param>
    /// <param name="ownCount">Number of elements that belong to the sample itself, in [0, N].</param>
    /// <param name="maxSoft">Largest soft-edge share, in [0, 0.5]; 0 gives a binary mask.</param>
    /// <param name="mask">Receives the weights; same length as <paramref name="values"/>.</param>
    /// <returns>The exact mean of the mask, equal to <see cref="MaskMean"/>.</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="ownCount"/> or <paramref name="maxSoft"/> is out of range.</exception>
    public static double Threshold(ReadOnlySpan<double> values, int ownCount, double maxSoft, Span<float> mask)
    {
        if (values.Length == 0)
        {
            throw new ArgumentException("There are no values to threshold.", nameof(values));
        }

        Guard.Length(mask.Length, values.Length, nameof(mask), "the values");
        if ((uint)ownCount > (uint)values.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(ownCount), ownCount, $"ownCount must lie in [0, {values.Length}]; it was {ownCount}.");
        }

        CheckMaxSoft(maxSoft);
        float[] rented = ArrayPool<float>.Shared.Rent(values.Length);
        try
        {
            Span<float> single = rented.AsSpan(0, values.Length);
            for (int i = 0; i < values.Length; i++)
            {
                single[i] = (float)values[i];
            }

            BucketRanking ranking = BucketRanking.ForThread();
            ranking.Build(single);
            ranking.WriteMask(single, ownCount, maxSoft, mask);
            return MaskMean(values.Length, ownCount, maxSoft);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    internal static void CheckMaxSoft(double maxSoft, string name = "maxSoft")
    {
        if (!(maxSoft >= 0 && maxSoft <= 0.5))
        {
            throw new ArgumentOutOfRangeException(name, maxSoft, $"{name} must lie in [0, 0.5]; it was {maxSoft}.");
        }
    }

    /// <summary>
    /// The soft-edge layout: ranks [0, ones) get 1, ranks [rampStart, rampStart + rampLength) get ramp values
    /// <c>Ramp(rank − rampFrom, rampTotal)</c>, the rest 0. The ramp nominally spans [ownCount − s, ownCount + s)
    /// and is clipped to [0, N).
    /// </summary>
    internal static (int Ones, int RampStart, int RampLength, int RampFrom, int RampTotal) Layout(int n, int ownCount, double maxSoft)
    {
        CheckMaxSoft(maxSoft);
        double lambda = (double)ownCount / n;
        double effective = Math.Min(maxSoft, Math.Min(lambda, 1 - lambda));
        int soft = (int)(n * effective);
        if (soft == 0)
        {
            return (ownCount, ownCount, 0, ownCount, 0);
        }

        int from = ownCount - soft, to = ownCount + soft;
        int start = Math.Max(from, 0), end = Math.Min(to, n);
        return (start, start, end - start, from, 2 * soft);
    }

    /// <summary>linspace(1, 0, total)[j], rounded to a multiple of 2^−24 (exact in float, exact sums in double).</summary>
    internal static double Ramp(int j, int total) =>
        Math.Round((1.0 - ((double)j / (total - 1))) * 16_777_216.0) / 16_777_216.0;
}
