using System.Buffers;
using System.Numerics;

namespace MixAug.Fourier;

/// <content>Bluestein's chirp-z algorithm, for lengths with a prime factor above the direct radices.</content>
internal sealed partial class FftPlan
{
    /// <summary>Bluestein's algorithm: a length-n forward DFT as a cyclic convolution of length M = 2^k ≥ 2n − 1.</summary>
    private sealed class Bluestein
    {
        private readonly int _n;
        private readonly int _m;
        private readonly FftPlan _inner;
        private readonly double[] _chirpRe; // c[t] = exp(+iπ·t²/n)
        private readonly double[] _chirpIm;
        private readonly double[] _kernelRe; // FFT_{-1} of c placed cyclically, divided by M
        private readonly double[] _kernelIm;
        private readonly float[] _chirpReF;
        private readonly float[] _chirpImF;
        private readonly float[] _kernelReF;
        private readonly float[] _kernelImF;

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

            // The kernel is c[j] at j and M − j; it is transformed with the widest stride (column 0 used) because
            // plans only work on aligned strides.
            int s = StrideAlignment<double>();
            var re = new double[_m * s];
            var im = new double[_m * s];
            for (int j = 0; j < _n; j++)
            {
                re[j * s] = _chirpRe[j];
                im[j * s] = _chirpIm[j];
                if (j > 0)
                {
                    re[(_m - j) * s] = _chirpRe[j];
                    im[(_m - j) * s] = _chirpIm[j];
                }
            }

            _inner.Transform<double>(re, im, s, -1);
            _kernelRe = new double[_m];
            _kernelIm = new double[_m];
            for (int k = 0; k < _m; k++)
            {
                _kernelRe[k] = re[k * s] / _m; // the 1/M of the inverse convolution is folded in here
                _kernelIm[k] = im[k * s] / _m;
            }

            _chirpReF = ToFloat(_chirpRe);
            _chirpImF = ToFloat(_chirpIm);
            _kernelReF = ToFloat(_kernelRe);
            _kernelImF = ToFloat(_kernelIm);
        }

        /// <summary>X[k] = conj(c[k])·Σ_t (x[t]·conj(c[t]))·c[k − t], the convolution by FFTs of length M.</summary>
        public void Forward<T>(Span<T> re, Span<T> im, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            ReadOnlySpan<T> chirpRe = Typed<T>(_chirpRe, _chirpReF), chirpIm = Typed<T>(_chirpIm, _chirpImF);
            ReadOnlySpan<T> kernelRe = Typed<T>(_kernelRe, _kernelReF), kernelIm = Typed<T>(_kernelIm, _kernelImF);
            int size = _m * stride;
            T[] aRe = ArrayPool<T>.Shared.Rent(size);
            T[] aIm = ArrayPool<T>.Shared.Rent(size);
            try
            {
                Span<T> ar = aRe.AsSpan(0, size), ai = aIm.AsSpan(0, size);
                ar.Slice(_n * stride).Clear();
                ai.Slice(_n * stride).Clear();
                for (int t = 0; t < _n; t++)
                {
                    MultiplyRow(re.Slice(t * stride, stride), im.Slice(t * stride, stride), chirpRe[t], -chirpIm[t], ar.Slice(t * stride, stride), ai.Slice(t * stride, stride));
                }

                _inner.Transform(ar, ai, stride, -1);
                for (int k = 0; k < _m; k++)
                {
                    Span<T> rowRe = ar.Slice(k * stride, stride), rowIm = ai.Slice(k * stride, stride);
                    MultiplyRow(rowRe, rowIm, kernelRe[k], kernelIm[k], rowRe, rowIm);
                }

                _inner.Transform(ar, ai, stride, +1);
                for (int t = 0; t < _n; t++)
                {
                    MultiplyRow(ar.Slice(t * stride, stride), ai.Slice(t * stride, stride), chirpRe[t], -chirpIm[t], re.Slice(t * stride, stride), im.Slice(t * stride, stride));
                }
            }
            finally
            {
                ArrayPool<T>.Shared.Return(aRe);
                ArrayPool<T>.Shared.Return(aIm);
            }
        }

        private static void MultiplyRow<T>(ReadOnlySpan<T> xr, ReadOnlySpan<T> xi, T cr, T ci, Span<T> yr, Span<T> yi)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (int c = 0; c < xr.Length; c++)
            {
                T a = xr[c], b = xi[c];
                yr[c] = (a * cr) - (b * ci);
                yi[c] = (a * ci) + (b * cr);
            }
        }
    }
}
