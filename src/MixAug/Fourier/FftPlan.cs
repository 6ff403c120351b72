using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MixAug.Fourier;

/// <summary>
/// A complex FFT of one length, applied to many independent transforms at once: the data is laid out as
/// <c>[n][stride]</c> (separate real and imaginary arrays), element <c>t</c> of transform <c>c</c> at
/// <c>t·stride + c</c>, and every butterfly works on a whole row of <c>stride</c> values with SIMD vectors. That is
/// exactly the layout of "transform along an outer axis" in a row-major array, so multi-dimensional transforms need
/// no gather or scatter.
/// </summary>
/// <remarks>
/// <para>Lengths whose prime factors are all at most 31 use a mixed-radix Stockham autosort FFT (radix 4, 2, 3 and a
/// generic odd radix); other lengths use Bluestein's chirp-z algorithm over a power-of-two FFT. The transform is
/// unnormalised: <c>X[k] = Σ_t x[t]·exp(sign·2πi·t·k/n)</c>.</para>
/// <para>Twiddles are computed in double precision from exact integer angles; there is no fused multiply-add, so a
/// result does not depend on the SIMD width of the machine.</para>
/// </remarks>
internal sealed class FftPlan
{
    /// <summary>Row strides must be a multiple of this (the widest <see cref="Vector{T}"/> of doubles is 8).</summary>
    public const int StrideAlignment = 8;

    private const int MaxDirectRadix = 31;
    private static readonly ConcurrentDictionary<int, FftPlan> Cache = new();

    private readonly Stage[] _stages = [];
    private readonly Bluestein? _bluestein;

    private FftPlan(int n)
    {
        Length = n;
        List<int> factors = Factor(n);
        if (factors.Count > 0 && factors.Max() > MaxDirectRadix)
        {
            _bluestein = new Bluestein(n);
            return;
        }

        var stages = new List<Stage>();
        int ns = 1;
        foreach (int r in factors)
        {
            stages.Add(new Stage(n, r, ns));
            ns *= r;
        }

        _stages = [.. stages];
    }

    /// <summary>The transform length.</summary>
    public int Length { get; }

    /// <summary>The cached plan for length <paramref name="n"/> (at least 1).</summary>
    public static FftPlan Get(int n)
    {
        Internal.Guard.Positive(n);
        return Cache.GetOrAdd(n, static k => new FftPlan(k));
    }

    /// <summary>Rounds <paramref name="count"/> up to a multiple of <see cref="StrideAlignment"/>.</summary>
    public static int PadStride(int count) => (count + StrideAlignment - 1) / StrideAlignment * StrideAlignment;

    /// <summary>
    /// Transforms the <paramref name="stride"/> interleaved sequences of <paramref name="re"/> and <paramref name="im"/>
    /// (each of length <c>Length·stride</c>) in place.
    /// </summary>
    /// <param name="re">Real parts, <c>[Length][stride]</c>.</param>
    /// <param name="im">Imaginary parts, same layout.</param>
    /// <param name="stride">Number of independent transforms; a multiple of <see cref="StrideAlignment"/>.</param>
    /// <param name="sign">−1 for the forward transform, +1 for the (unnormalised) inverse.</param>
    public void Transform(Span<double> re, Span<double> im, int stride, int sign)
    {
        if (stride % StrideAlignment != 0 || re.Length != Length * stride || im.Length != re.Length || (sign != 1 && sign != -1))
        {
            throw new ArgumentException($"FFT of length {Length}: stride {stride} must be a multiple of {StrideAlignment}, buffers {re.Length} and {im.Length} must hold {Length * stride}, and sign ({sign}) must be ±1.");
        }

        if (Length == 1)
        {
            return;
        }

        if (_bluestein is not null)
        {
            _bluestein.Transform(re, im, stride, sign);
            return;
        }

        int size = re.Length;
        double[] scratchRe = ArrayPool<double>.Shared.Rent(size);
        double[] scratchIm = ArrayPool<double>.Shared.Rent(size);
        try
        {
            Span<double> aRe = re, aIm = im, bRe = scratchRe.AsSpan(0, size), bIm = scratchIm.AsSpan(0, size);
            foreach (Stage stage in _stages)
            {
                stage.Run(aRe, aIm, bRe, bIm, stride, sign);
                Span<double> t = aRe;
                aRe = bRe;
                bRe = t;
                t = aIm;
                aIm = bIm;
                bIm = t;
            }

            if (_stages.Length % 2 == 1)
            {
                aRe.CopyTo(re);
                aIm.CopyTo(im);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(scratchRe);
            ArrayPool<double>.Shared.Return(scratchIm);
        }
    }

    /// <summary>Prime factors, radix 4 first (pairs of 2s), then 2, then odd primes ascending.</summary>
    private static List<int> Factor(int n)
    {
        var factors = new List<int>();
        while (n % 4 == 0)
        {
            factors.Add(4);
            n /= 4;
        }

        if (n % 2 == 0)
        {
            factors.Add(2);
            n /= 2;
        }

        for (int p = 3; (long)p * p <= n; p += 2)
        {
            while (n % p == 0)
            {
                factors.Add(p);
                n /= p;
            }
        }

        if (n > 1)
        {
            factors.Add(n);
        }

        return factors;
    }

    /// <summary>exp(i·π·numerator/denominator), the angle reduced exactly in integers first.</summary>
    internal static (double Re, double Im) UnitRoot(long numerator, long denominator)
    {
        // angle = π·num/den with num reduced modulo 2·den, so the argument of the sine never grows with n.
        long m = numerator % (2 * denominator);
        if (m < 0)
        {
            m += 2 * denominator;
        }

        double angle = Math.PI * m / denominator;
        return (Math.Cos(angle), Math.Sin(angle));
    }

    /// <summary>One Stockham pass of radix R: reads <c>x[j + r·n/R]</c>, writes <c>y[(j/Ns)·Ns·R + j%Ns + r·Ns]</c>.</summary>
    private sealed class Stage
    {
        private readonly int _n;
        private readonly int _radix;
        private readonly int _ns;
        private readonly double[] _twRe; // [k·R + r] = exp(+2πi·r·k/(Ns·R)), k < Ns
        private readonly double[] _twIm;
        private readonly double[] _rootRe; // exp(+2πi·m/R)
        private readonly double[] _rootIm;

        public Stage(int n, int radix, int ns)
        {
            _n = n;
            _radix = radix;
            _ns = ns;
            _twRe = new double[ns * radix];
            _twIm = new double[ns * radix];
            for (int k = 0; k < ns; k++)
            {
                for (int r = 0; r < radix; r++)
                {
                    (_twRe[(k * radix) + r], _twIm[(k * radix) + r]) = UnitRoot(2L * r * k, (long)ns * radix);
                }
            }

            _rootRe = new double[radix];
            _rootIm = new double[radix];
            for (int m = 0; m < radix; m++)
            {
                (_rootRe[m], _rootIm[m]) = UnitRoot(2L * m, radix);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Run(Span<double> xRe, Span<double> xIm, Span<double> yRe, Span<double> yIm, int stride, int sign)
        {
            switch (_radix)
            {
                case 4:
                    Radix4(xRe, xIm, yRe, yIm, stride, sign);
                    return;
                case 2:
                    Radix2(xRe, xIm, yRe, yIm, stride, sign);
                    return;
                default:
                    RunGeneral(xRe, xIm, yRe, yIm, stride, sign);
                    return;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Radix4(Span<double> xRe, Span<double> xIm, Span<double> yRe, Span<double> yIm, int stride, int sign)
        {
            int quarter = _n / 4;
            ref double xr = ref MemoryMarshal.GetReference(xRe);
            ref double xi = ref MemoryMarshal.GetReference(xIm);
            ref double yr = ref MemoryMarshal.GetReference(yRe);
            ref double yi = ref MemoryMarshal.GetReference(yIm);
            nuint v = (nuint)Vector<double>.Count, width = (nuint)stride;
            nuint srcStep = (nuint)quarter * width, dstStep = (nuint)_ns * width;
            double s = sign;
            for (int j = 0; j < quarter; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * 4) + k) * width;
                var w1r = new Vector<double>(_twRe[(k * 4) + 1]);
                var w1i = new Vector<double>(s * _twIm[(k * 4) + 1]);
                var w2r = new Vector<double>(_twRe[(k * 4) + 2]);
                var w2i = new Vector<double>(s * _twIm[(k * 4) + 2]);
                var w3r = new Vector<double>(_twRe[(k * 4) + 3]);
                var w3i = new Vector<double>(s * _twIm[(k * 4) + 3]);
                bool twiddle = k != 0;
                for (nuint c = 0; c < width; c += v)
                {
                    Vector<double> r0 = Vector.LoadUnsafe(ref xr, src + c), i0 = Vector.LoadUnsafe(ref xi, src + c);
                    Vector<double> r1 = Vector.LoadUnsafe(ref xr, src + srcStep + c), i1 = Vector.LoadUnsafe(ref xi, src + srcStep + c);
                    Vector<double> r2 = Vector.LoadUnsafe(ref xr, src + (2 * srcStep) + c), i2 = Vector.LoadUnsafe(ref xi, src + (2 * srcStep) + c);
                    Vector<double> r3 = Vector.LoadUnsafe(ref xr, src + (3 * srcStep) + c), i3 = Vector.LoadUnsafe(ref xi, src + (3 * srcStep) + c);
                    if (twiddle)
                    {
                        Vector<double> t = (r1 * w1r) - (i1 * w1i);
                        i1 = (r1 * w1i) + (i1 * w1r);
                        r1 = t;
                        t = (r2 * w2r) - (i2 * w2i);
                        i2 = (r2 * w2i) + (i2 * w2r);
                        r2 = t;
                        t = (r3 * w3r) - (i3 * w3i);
                        i3 = (r3 * w3i) + (i3 * w3r);
                        r3 = t;
                    }

                    Vector<double> aR = r0 + r2, aI = i0 + i2, bR = r0 - r2, bI = i0 - i2;
                    Vector<double> cR = r1 + r3, cI = i1 + i3, dR = r1 - r3, dI = i1 - i3;
                    Vector<double> sdR = sign > 0 ? -dI : dI; // s·i·d = (−s·d.im, s·d.re)
                    Vector<double> sdI = sign > 0 ? dR : -dR;
                    (aR + cR).StoreUnsafe(ref yr, dst + c);
                    (aI + cI).StoreUnsafe(ref yi, dst + c);
                    (bR + sdR).StoreUnsafe(ref yr, dst + dstStep + c);
                    (bI + sdI).StoreUnsafe(ref yi, dst + dstStep + c);
                    (aR - cR).StoreUnsafe(ref yr, dst + (2 * dstStep) + c);
                    (aI - cI).StoreUnsafe(ref yi, dst + (2 * dstStep) + c);
                    (bR - sdR).StoreUnsafe(ref yr, dst + (3 * dstStep) + c);
                    (bI - sdI).StoreUnsafe(ref yi, dst + (3 * dstStep) + c);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Radix2(Span<double> xRe, Span<double> xIm, Span<double> yRe, Span<double> yIm, int stride, int sign)
        {
            int half = _n / 2;
            ref double xr = ref MemoryMarshal.GetReference(xRe);
            ref double xi = ref MemoryMarshal.GetReference(xIm);
            ref double yr = ref MemoryMarshal.GetReference(yRe);
            ref double yi = ref MemoryMarshal.GetReference(yIm);
            nuint v = (nuint)Vector<double>.Count, width = (nuint)stride;
            nuint srcStep = (nuint)half * width, dstStep = (nuint)_ns * width;
            for (int j = 0; j < half; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * 2) + k) * width;
                var wr = new Vector<double>(_twRe[(k * 2) + 1]);
                var wi = new Vector<double>(sign * _twIm[(k * 2) + 1]);
                bool twiddle = k != 0;
                for (nuint c = 0; c < width; c += v)
                {
                    Vector<double> r0 = Vector.LoadUnsafe(ref xr, src + c), i0 = Vector.LoadUnsafe(ref xi, src + c);
                    Vector<double> r1 = Vector.LoadUnsafe(ref xr, src + srcStep + c), i1 = Vector.LoadUnsafe(ref xi, src + srcStep + c);
                    if (twiddle)
                    {
                        Vector<double> t = (r1 * wr) - (i1 * wi);
                        i1 = (r1 * wi) + (i1 * wr);
                        r1 = t;
                    }

                    (r0 + r1).StoreUnsafe(ref yr, dst + c);
                    (i0 + i1).StoreUnsafe(ref yi, dst + c);
                    (r0 - r1).StoreUnsafe(ref yr, dst + dstStep + c);
                    (i0 - i1).StoreUnsafe(ref yi, dst + dstStep + c);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunGeneral(Span<double> xRe, Span<double> xIm, Span<double> yRe, Span<double> yIm, int stride, int sign)
        {
            int r = _radix;
            int quarter = _n / r;
            ref double xr = ref MemoryMarshal.GetReference(xRe);
            ref double xi = ref MemoryMarshal.GetReference(xIm);
            ref double yr = ref MemoryMarshal.GetReference(yRe);
            ref double yi = ref MemoryMarshal.GetReference(yIm);
            int v = Vector<double>.Count;
            Span<Vector<double>> inRe = stackalloc Vector<double>[r];
            Span<Vector<double>> inIm = stackalloc Vector<double>[r];
            Span<double> wr = stackalloc double[r];
            Span<double> wi = stackalloc double[r];
            for (int j = 0; j < quarter; j++)
            {
                int k = j % _ns;
                for (int q = 0; q < r; q++)
                {
                    wr[q] = _twRe[(k * r) + q];
                    wi[q] = sign * _twIm[(k * r) + q];
                }

                nuint src = (nuint)j * (nuint)stride;
                nuint srcStep = (nuint)quarter * (nuint)stride;
                nuint dst = (nuint)(((j / _ns) * _ns * r) + k) * (nuint)stride;
                nuint dstStep = (nuint)_ns * (nuint)stride;
                for (nuint c = 0; c < (nuint)stride; c += (nuint)v)
                {
                    for (int q = 0; q < r; q++)
                    {
                        nuint at = src + ((nuint)q * srcStep) + c;
                        Vector<double> a = Vector.LoadUnsafe(ref xr, at);
                        Vector<double> b = Vector.LoadUnsafe(ref xi, at);
                        if (q == 0 || k == 0)
                        {
                            inRe[q] = a;
                            inIm[q] = b;
                        }
                        else
                        {
                            inRe[q] = (a * wr[q]) - (b * wi[q]);
                            inIm[q] = (a * wi[q]) + (b * wr[q]);
                        }
                    }

                    Butterfly(inRe, inIm, sign);
                    for (int q = 0; q < r; q++)
                    {
                        nuint at = dst + ((nuint)q * dstStep) + c;
                        inRe[q].StoreUnsafe(ref yr, at);
                        inIm[q].StoreUnsafe(ref yi, at);
                    }
                }
            }
        }

        private void Butterfly(Span<Vector<double>> re, Span<Vector<double>> im, int sign)
        {
            switch (_radix)
            {
                case 2:
                {
                    Vector<double> ar = re[0], ai = im[0], br = re[1], bi = im[1];
                    re[0] = ar + br;
                    im[0] = ai + bi;
                    re[1] = ar - br;
                    im[1] = ai - bi;
                    return;
                }

                case 4:
                {
                    Vector<double> aR = re[0] + re[2], aI = im[0] + im[2];
                    Vector<double> bR = re[0] - re[2], bI = im[0] - im[2];
                    Vector<double> cR = re[1] + re[3], cI = im[1] + im[3];
                    Vector<double> dR = re[1] - re[3], dI = im[1] - im[3];
                    // s·i·d = (−s·d.im, s·d.re)
                    Vector<double> sdR = sign > 0 ? -dI : dI;
                    Vector<double> sdI = sign > 0 ? dR : -dR;
                    re[0] = aR + cR;
                    im[0] = aI + cI;
                    re[2] = aR - cR;
                    im[2] = aI - cI;
                    re[1] = bR + sdR;
                    im[1] = bI + sdI;
                    re[3] = bR - sdR;
                    im[3] = bI - sdI;
                    return;
                }

                case 3:
                {
                    const double half = 0.5;
                    double s3 = sign * 0.86602540378443864676; // sign·√3/2
                    Vector<double> tR = re[1] + re[2], tI = im[1] + im[2];
                    Vector<double> uR = re[1] - re[2], uI = im[1] - im[2];
                    Vector<double> mR = re[0] - (tR * half), mI = im[0] - (tI * half);
                    // s·i·(√3/2)·u = (−s3·u.im, s3·u.re)
                    Vector<double> pR = uI * -s3, pI = uR * s3;
                    re[0] += tR;
                    im[0] += tI;
                    re[1] = mR + pR;
                    im[1] = mI + pI;
                    re[2] = mR - pR;
                    im[2] = mI - pI;
                    return;
                }

                default:
                    Generic(re, im, sign);
                    return;
            }
        }

        /// <summary>
        /// Odd radix p by conjugate pairs: for k = 1…(p−1)/2, A = v0 + Σ_q (v_q + v_{p−q})·cos(2πqk/p) and
        /// B = sign·Σ_q (v_q − v_{p−q})·sin(2πqk/p), then y_k = A + i·B and y_{p−k} = A − i·B. About a quarter of
        /// the multiplications of the direct sum.
        /// </summary>
        private void Generic(Span<Vector<double>> re, Span<Vector<double>> im, int sign)
        {
            int r = _radix;
            int h = (r - 1) / 2;
            Span<Vector<double>> sumRe = stackalloc Vector<double>[h + 1];
            Span<Vector<double>> sumIm = stackalloc Vector<double>[h + 1];
            Span<Vector<double>> difRe = stackalloc Vector<double>[h + 1];
            Span<Vector<double>> difIm = stackalloc Vector<double>[h + 1];
            Vector<double> dcRe = re[0], dcIm = im[0];
            for (int q = 1; q <= h; q++)
            {
                sumRe[q] = re[q] + re[r - q];
                sumIm[q] = im[q] + im[r - q];
                difRe[q] = re[q] - re[r - q];
                difIm[q] = im[q] - im[r - q];
                dcRe += sumRe[q];
                dcIm += sumIm[q];
            }

            Vector<double> v0Re = re[0], v0Im = im[0];
            for (int k = 1; k <= h; k++)
            {
                Vector<double> aRe = v0Re, aIm = v0Im, bRe = Vector<double>.Zero, bIm = Vector<double>.Zero;
                for (int q = 1; q <= h; q++)
                {
                    int m = q * k % r;
                    double c = _rootRe[m], sn = sign * _rootIm[m];
                    aRe += sumRe[q] * c;
                    aIm += sumIm[q] * c;
                    bRe += difRe[q] * sn;
                    bIm += difIm[q] * sn;
                }

                // i·B = (−B.im, B.re)
                re[k] = aRe - bIm;
                im[k] = aIm + bRe;
                re[r - k] = aRe + bIm;
                im[r - k] = aIm - bRe;
            }

            re[0] = dcRe;
            im[0] = dcIm;
        }
    }

    /// <summary>Bluestein's algorithm: a length-n DFT as a cyclic convolution of length M = 2^k ≥ 2n − 1.</summary>
    private sealed class Bluestein
    {
        private readonly int _n;
        private readonly int _m;
        private readonly FftPlan _inner;
        private readonly double[] _chirpRe; // c[t] = exp(+iπ·t²/n)
        private readonly double[] _chirpIm;
        private readonly double[] _kernelPlusRe; // FFT_{-1} of conj(c) placed cyclically (sign +1)
        private readonly double[] _kernelPlusIm;
        private readonly double[] _kernelMinusRe; // the same for sign −1 (built from c)
        private readonly double[] _kernelMinusIm;

        public Bluestein(int n)
        {
            _n = n;
            _m = (int)BitOperations.RoundUpToPowerOf2((uint)((2 * n) - 1));
            _inner = Get(_m);
            _chirpRe = new double[n];
            _chirpIm = new double[n];
            for (int t = 0; t < n; t++)
            {
                (_chirpRe[t], _chirpIm[t]) = UnitRoot((long)t * t % (2L * n), n);
            }

            (_kernelPlusRe, _kernelPlusIm) = Kernel(+1);
            (_kernelMinusRe, _kernelMinusIm) = Kernel(-1);
        }

        private (double[] Re, double[] Im) Kernel(int sign)
        {
            // The kernel is conj(c_sign)[j] = exp(−sign·iπ·j²/n) at j and M − j; it is transformed with stride 8
            // (column 0 used) because plans only work on aligned strides.
            int s = StrideAlignment;
            var re = new double[_m * s];
            var im = new double[_m * s];
            for (int j = 0; j < _n; j++)
            {
                double cr = _chirpRe[j], ci = -sign * _chirpIm[j];
                re[j * s] = cr;
                im[j * s] = ci;
                if (j > 0)
                {
                    re[(_m - j) * s] = cr;
                    im[(_m - j) * s] = ci;
                }
            }

            _inner.Transform(re, im, s, -1);
            var outRe = new double[_m];
            var outIm = new double[_m];
            for (int k = 0; k < _m; k++)
            {
                outRe[k] = re[k * s] / _m; // the 1/M of the inverse convolution is folded in here
                outIm[k] = im[k * s] / _m;
            }

            return (outRe, outIm);
        }

        public void Transform(Span<double> re, Span<double> im, int stride, int sign)
        {
            int size = _m * stride;
            double[] aRe = ArrayPool<double>.Shared.Rent(size);
            double[] aIm = ArrayPool<double>.Shared.Rent(size);
            try
            {
                Span<double> ar = aRe.AsSpan(0, size), ai = aIm.AsSpan(0, size);
                ar.Slice(_n * stride).Clear();
                ai.Slice(_n * stride).Clear();
                for (int t = 0; t < _n; t++)
                {
                    double cr = _chirpRe[t], ci = sign * _chirpIm[t];
                    MultiplyRow(re.Slice(t * stride, stride), im.Slice(t * stride, stride), cr, ci, ar.Slice(t * stride, stride), ai.Slice(t * stride, stride));
                }

                _inner.Transform(ar, ai, stride, -1);
                double[] kr = sign > 0 ? _kernelPlusRe : _kernelMinusRe;
                double[] ki = sign > 0 ? _kernelPlusIm : _kernelMinusIm;
                for (int k = 0; k < _m; k++)
                {
                    Span<double> rowRe = ar.Slice(k * stride, stride), rowIm = ai.Slice(k * stride, stride);
                    MultiplyRow(rowRe, rowIm, kr[k], ki[k], rowRe, rowIm);
                }

                _inner.Transform(ar, ai, stride, +1);
                for (int t = 0; t < _n; t++)
                {
                    double cr = _chirpRe[t], ci = sign * _chirpIm[t];
                    MultiplyRow(ar.Slice(t * stride, stride), ai.Slice(t * stride, stride), cr, ci, re.Slice(t * stride, stride), im.Slice(t * stride, stride));
                }
            }
            finally
            {
                ArrayPool<double>.Shared.Return(aRe);
                ArrayPool<double>.Shared.Return(aIm);
            }
        }

        private static void MultiplyRow(ReadOnlySpan<double> xr, ReadOnlySpan<double> xi, double cr, double ci, Span<double> yr, Span<double> yi)
        {
            for (int c = 0; c < xr.Length; c++)
            {
                double a = xr[c], b = xi[c];
                yr[c] = (a * cr) - (b * ci);
                yi[c] = (a * ci) + (b * cr);
            }
        }
    }
}
