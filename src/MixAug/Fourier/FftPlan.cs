using System.Buffers;
using System.Collections.Concurrent;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MixAug.Fourier;

/// <summary>
/// A complex FFT of one length, applied to many independent transforms at once: the data is laid out as
/// <c>[n][stride]</c> (separate real and imaginary arrays), element <c>t</c> of transform <c>c</c> at
/// <c>t·stride + c</c>, and every butterfly works on a whole row of <c>stride</c> values with SIMD vectors. That is
/// exactly the layout of "transform along an outer axis" in a row-major array, so multi-dimensional transforms need
/// no gather or scatter. Float and double alike.
/// </summary>
/// <remarks>
/// <para>Lengths whose prime factors are all at most 31 use a mixed-radix Stockham autosort FFT (radix 8, 4, 2, 3 and
/// a generic odd radix); other lengths use Bluestein's chirp-z algorithm over a power-of-two FFT. The transform is
/// unnormalised: <c>X[k] = Σ_t x[t]·exp(sign·2πi·t·k/n)</c>. The kernels compute the forward transform; the inverse
/// is the forward transform of the sequence with real and imaginary parts swapped (which conjugates it up to a
/// factor i), read back swapped.</para>
/// <para>Twiddles are computed in double precision from exact integer angles (and rounded once to float for float
/// transforms); every lane is an independent transform and there is no fused multiply-add, so a result does not
/// depend on the SIMD width (<see cref="SimdLanes"/>: 512, 256, 128 bits or scalar code).</para>
/// </remarks>
internal sealed partial class FftPlan
{
    /// <summary>Row strides must be a multiple of this many bytes: the widest vector (512 bits).</summary>
    public const int StrideAlignmentBytes = 64;

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

    /// <summary>Row strides of <typeparamref name="T"/> must be a multiple of this: 16 floats or 8 doubles.</summary>
    public static int StrideAlignment<T>()
        where T : unmanaged => StrideAlignmentBytes / Unsafe.SizeOf<T>();

    /// <summary>Rounds <paramref name="count"/> up to a multiple of <see cref="StrideAlignment{T}"/>.</summary>
    public static int PadStride<T>(int count)
        where T : unmanaged
    {
        int a = StrideAlignment<T>();
        return (count + a - 1) / a * a;
    }

    /// <summary>
    /// Transforms the <paramref name="stride"/> interleaved sequences of <paramref name="re"/> and <paramref name="im"/>
    /// (each of length <c>Length·stride</c>) in place, with scratch rented for the call.
    /// </summary>
    /// <param name="re">Real parts, <c>[Length][stride]</c>.</param>
    /// <param name="im">Imaginary parts, same layout.</param>
    /// <param name="stride">Number of independent transforms; a multiple of <see cref="StrideAlignment{T}"/>.</param>
    /// <param name="sign">−1 for the forward transform, +1 for the (unnormalised) inverse.</param>
    public void Transform<T>(Span<T> re, Span<T> im, int stride, int sign)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(re, im, stride, sign);
        if (Length == 1)
        {
            return;
        }

        int size = re.Length;
        T[] scratchRe = ArrayPool<T>.Shared.Rent(size);
        T[] scratchIm = ArrayPool<T>.Shared.Rent(size);
        try
        {
            Transform(re, im, scratchRe.AsSpan(0, size), scratchIm.AsSpan(0, size), stride, sign);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratchRe);
            ArrayPool<T>.Shared.Return(scratchIm);
        }
    }

    /// <summary>
    /// Transforms in place like <see cref="Transform{T}(Span{T}, Span{T}, int, int)"/>, with the caller's scratch
    /// (<paramref name="workRe"/> and <paramref name="workIm"/>, as long as <paramref name="re"/>, clobbered).
    /// </summary>
    public void Transform<T>(Span<T> re, Span<T> im, Span<T> workRe, Span<T> workIm, int stride, int sign)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Check(re, im, stride, sign);
        if (workRe.Length < re.Length || workIm.Length < re.Length)
        {
            throw new ArgumentException($"FFT of length {Length}: the scratch must hold {re.Length} values; it holds {Math.Min(workRe.Length, workIm.Length)}.");
        }

        if (Length == 1)
        {
            return;
        }

        if (sign > 0)
        {
            // The inverse is the forward transform with real and imaginary parts swapped on the way in and out.
            Span<T> t = re;
            re = im;
            im = t;
            t = workRe;
            workRe = workIm;
            workIm = t;
        }

        if (_bluestein is not null)
        {
            _bluestein.Forward(re, im, stride);
            return;
        }

        int size = re.Length;
        Span<T> aRe = re, aIm = im, bRe = workRe.Slice(0, size), bIm = workIm.Slice(0, size);
        foreach (Stage stage in _stages)
        {
            stage.Run(aRe, aIm, bRe, bIm, stride);
            Span<T> t = aRe;
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

    private void Check<T>(Span<T> re, Span<T> im, int stride, int sign)
        where T : unmanaged
    {
        if (stride <= 0 || stride % StrideAlignment<T>() != 0 || re.Length != Length * stride || im.Length != re.Length || (sign != 1 && sign != -1))
        {
            throw new ArgumentException($"FFT of length {Length}: stride {stride} must be a positive multiple of {StrideAlignment<T>()}, buffers {re.Length} and {im.Length} must hold {(long)Length * stride}, and sign ({sign}) must be ±1.");
        }
    }

    /// <summary>Prime factors, radix 8 first (triples of 2s), then 4, then 2, then odd primes ascending.</summary>
    private static List<int> Factor(int n)
    {
        var factors = new List<int>();
        while (n % 8 == 0)
        {
            factors.Add(8);
            n /= 8;
        }

        if (n % 4 == 0)
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

    /// <summary>The float or double copy of a table, as <typeparamref name="T"/>.</summary>
    private static ReadOnlySpan<T> Typed<T>(double[] doubles, float[] floats)
        where T : unmanaged =>
        typeof(T) == typeof(double) ? MemoryMarshal.Cast<double, T>(doubles) : MemoryMarshal.Cast<float, T>(floats);

    private static float[] ToFloat(double[] values) => [.. values.Select(v => (float)v)];
}
