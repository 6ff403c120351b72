using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MixAug.Fourier;

/// <content>The Stockham passes of the mixed-radix FFT (radix 8, 4, 2, 3 and a generic odd radix).</content>
internal sealed partial class FftPlan
{
    /// <summary>One forward Stockham pass of radix R: reads <c>x[j + r·n/R]</c>, writes <c>y[(j/Ns)·Ns·R + j%Ns + r·Ns]</c>.</summary>
    private sealed class Stage
    {
        private readonly int _n;
        private readonly int _radix;
        private readonly int _ns;
        private readonly double[] _twRe; // [k·R + r] = exp(−2πi·r·k/(Ns·R)), k < Ns
        private readonly double[] _twIm;
        private readonly double[] _rootRe; // exp(−2πi·m/R)
        private readonly double[] _rootIm;
        private readonly float[] _twReF;
        private readonly float[] _twImF;
        private readonly float[] _rootReF;
        private readonly float[] _rootImF;

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
                    (_twRe[(k * radix) + r], _twIm[(k * radix) + r]) = UnitRoot(-2L * r * k, (long)ns * radix);
                }
            }

            _rootRe = new double[radix];
            _rootIm = new double[radix];
            for (int m = 0; m < radix; m++)
            {
                (_rootRe[m], _rootIm[m]) = UnitRoot(-2L * m, radix);
            }

            _twReF = ToFloat(_twRe);
            _twImF = ToFloat(_twIm);
            _rootReF = ToFloat(_rootRe);
            _rootImF = ToFloat(_rootIm);
        }

        public void Run<T>(Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (SimdLanes.Width<T>(stride))
            {
                case 512:
                    Run<T, Vector512<T>, Lanes512<T>>(xRe, xIm, yRe, yIm, stride);
                    return;
                case 256:
                    Run<T, Vector256<T>, Lanes256<T>>(xRe, xIm, yRe, yIm, stride);
                    return;
                case 128:
                    Run<T, Vector128<T>, Lanes128<T>>(xRe, xIm, yRe, yIm, stride);
                    return;
                default:
                    Run<T, T, Lanes1<T>>(xRe, xIm, yRe, yIm, stride);
                    return;
            }
        }

        private void Run<T, TV, TW>(Span<T> xRe, Span<T> xIm, Span<T> yRe, Span<T> yIm, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            ref T xr = ref MemoryMarshal.GetReference(xRe);
            ref T xi = ref MemoryMarshal.GetReference(xIm);
            ref T yr = ref MemoryMarshal.GetReference(yRe);
            ref T yi = ref MemoryMarshal.GetReference(yIm);
            switch (_radix)
            {
                case 8:
                    Radix8<T, TV, TW>(ref xr, ref xi, ref yr, ref yi, stride);
                    return;
                case 4:
                    Radix4<T, TV, TW>(ref xr, ref xi, ref yr, ref yi, stride);
                    return;
                case 2:
                    Radix2<T, TV, TW>(ref xr, ref xi, ref yr, ref yi, stride);
                    return;
                default:
                    RunGeneral<T, TV, TW>(ref xr, ref xi, ref yr, ref yi, stride);
                    return;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Radix8<T, TV, TW>(ref T xr, ref T xi, ref T yr, ref T yi, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            int eighth = _n / 8;
            ReadOnlySpan<T> twRe = Typed<T>(_twRe, _twReF), twIm = Typed<T>(_twIm, _twImF);
            nuint v = (nuint)TW.Count, width = (nuint)stride;
            nuint s1 = (nuint)eighth * width, d1 = (nuint)_ns * width;
            TV h = TW.Create(T.CreateTruncating(0.70710678118654752440)); // √½
            for (int j = 0; j < eighth; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * 8) + k) * width;
                bool twiddle = k != 0;
                int tw = k * 8;
                for (nuint c = 0; c < width; c += v)
                {
                    nuint at = src + c;
                    TV r0 = TW.Load(ref xr, at), i0 = TW.Load(ref xi, at);
                    TV r1 = TW.Load(ref xr, at + s1), i1 = TW.Load(ref xi, at + s1);
                    TV r2 = TW.Load(ref xr, at + (2 * s1)), i2 = TW.Load(ref xi, at + (2 * s1));
                    TV r3 = TW.Load(ref xr, at + (3 * s1)), i3 = TW.Load(ref xi, at + (3 * s1));
                    TV r4 = TW.Load(ref xr, at + (4 * s1)), i4 = TW.Load(ref xi, at + (4 * s1));
                    TV r5 = TW.Load(ref xr, at + (5 * s1)), i5 = TW.Load(ref xi, at + (5 * s1));
                    TV r6 = TW.Load(ref xr, at + (6 * s1)), i6 = TW.Load(ref xi, at + (6 * s1));
                    TV r7 = TW.Load(ref xr, at + (7 * s1)), i7 = TW.Load(ref xi, at + (7 * s1));
                    if (twiddle)
                    {
                        Twiddle<T, TV, TW>(ref r1, ref i1, twRe[tw + 1], twIm[tw + 1]);
                        Twiddle<T, TV, TW>(ref r2, ref i2, twRe[tw + 2], twIm[tw + 2]);
                        Twiddle<T, TV, TW>(ref r3, ref i3, twRe[tw + 3], twIm[tw + 3]);
                        Twiddle<T, TV, TW>(ref r4, ref i4, twRe[tw + 4], twIm[tw + 4]);
                        Twiddle<T, TV, TW>(ref r5, ref i5, twRe[tw + 5], twIm[tw + 5]);
                        Twiddle<T, TV, TW>(ref r6, ref i6, twRe[tw + 6], twIm[tw + 6]);
                        Twiddle<T, TV, TW>(ref r7, ref i7, twRe[tw + 7], twIm[tw + 7]);
                    }

                    // a = x[0..3] + x[4..7] (the even outputs' radix 4), b = x[0..3] − x[4..7] times exp(−2πi·q/8).
                    TV a0r = TW.Add(r0, r4), a0i = TW.Add(i0, i4), b0r = TW.Subtract(r0, r4), b0i = TW.Subtract(i0, i4);
                    TV a1r = TW.Add(r1, r5), a1i = TW.Add(i1, i5), b1r = TW.Subtract(r1, r5), b1i = TW.Subtract(i1, i5);
                    TV a2r = TW.Add(r2, r6), a2i = TW.Add(i2, i6), b2r = TW.Subtract(r2, r6), b2i = TW.Subtract(i2, i6);
                    TV a3r = TW.Add(r3, r7), a3i = TW.Add(i3, i7), b3r = TW.Subtract(r3, r7), b3i = TW.Subtract(i3, i7);
                    TV t1r = TW.Multiply(h, TW.Add(b1r, b1i)), t1i = TW.Multiply(h, TW.Subtract(b1i, b1r));   // ·√½(1 − i)
                    TV t3r = TW.Multiply(h, TW.Subtract(b3i, b3r)), t3i = TW.Negate(TW.Multiply(h, TW.Add(b3i, b3r))); // ·√½(−1 − i)

                    // Radix 4 of a: y0, y2, y4, y6.
                    TV ar = TW.Add(a0r, a2r), ai = TW.Add(a0i, a2i), br = TW.Subtract(a0r, a2r), bi = TW.Subtract(a0i, a2i);
                    TV cr = TW.Add(a1r, a3r), ci = TW.Add(a1i, a3i), dr = TW.Subtract(a1r, a3r), di = TW.Subtract(a1i, a3i);
                    nuint o = dst + c;
                    TW.Store(TW.Add(ar, cr), ref yr, o);
                    TW.Store(TW.Add(ai, ci), ref yi, o);
                    TW.Store(TW.Add(br, di), ref yr, o + (2 * d1));
                    TW.Store(TW.Subtract(bi, dr), ref yi, o + (2 * d1));
                    TW.Store(TW.Subtract(ar, cr), ref yr, o + (4 * d1));
                    TW.Store(TW.Subtract(ai, ci), ref yi, o + (4 * d1));
                    TW.Store(TW.Subtract(br, di), ref yr, o + (6 * d1));
                    TW.Store(TW.Add(bi, dr), ref yi, o + (6 * d1));

                    // Radix 4 of (b0, t1, −i·b2, t3): y1, y3, y5, y7.
                    ar = TW.Add(b0r, b2i);
                    ai = TW.Subtract(b0i, b2r);
                    br = TW.Subtract(b0r, b2i);
                    bi = TW.Add(b0i, b2r);
                    cr = TW.Add(t1r, t3r);
                    ci = TW.Add(t1i, t3i);
                    dr = TW.Subtract(t1r, t3r);
                    di = TW.Subtract(t1i, t3i);
                    TW.Store(TW.Add(ar, cr), ref yr, o + d1);
                    TW.Store(TW.Add(ai, ci), ref yi, o + d1);
                    TW.Store(TW.Add(br, di), ref yr, o + (3 * d1));
                    TW.Store(TW.Subtract(bi, dr), ref yi, o + (3 * d1));
                    TW.Store(TW.Subtract(ar, cr), ref yr, o + (5 * d1));
                    TW.Store(TW.Subtract(ai, ci), ref yi, o + (5 * d1));
                    TW.Store(TW.Subtract(br, di), ref yr, o + (7 * d1));
                    TW.Store(TW.Add(bi, dr), ref yi, o + (7 * d1));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static void Twiddle<T, TV, TW>(ref TV re, ref TV im, T wr, T wi)
            where T : unmanaged
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            TV r = re, i = im, cr = TW.Create(wr), ci = TW.Create(wi);
            re = TW.Subtract(TW.Multiply(r, cr), TW.Multiply(i, ci));
            im = TW.Add(TW.Multiply(r, ci), TW.Multiply(i, cr));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Radix4<T, TV, TW>(ref T xr, ref T xi, ref T yr, ref T yi, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            int quarter = _n / 4;
            ReadOnlySpan<T> twRe = Typed<T>(_twRe, _twReF), twIm = Typed<T>(_twIm, _twImF);
            nuint v = (nuint)TW.Count, width = (nuint)stride;
            nuint s1 = (nuint)quarter * width, d1 = (nuint)_ns * width;
            for (int j = 0; j < quarter; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * 4) + k) * width;
                bool twiddle = k != 0;
                int tw = k * 4;
                for (nuint c = 0; c < width; c += v)
                {
                    nuint at = src + c;
                    TV r0 = TW.Load(ref xr, at), i0 = TW.Load(ref xi, at);
                    TV r1 = TW.Load(ref xr, at + s1), i1 = TW.Load(ref xi, at + s1);
                    TV r2 = TW.Load(ref xr, at + (2 * s1)), i2 = TW.Load(ref xi, at + (2 * s1));
                    TV r3 = TW.Load(ref xr, at + (3 * s1)), i3 = TW.Load(ref xi, at + (3 * s1));
                    if (twiddle)
                    {
                        Twiddle<T, TV, TW>(ref r1, ref i1, twRe[tw + 1], twIm[tw + 1]);
                        Twiddle<T, TV, TW>(ref r2, ref i2, twRe[tw + 2], twIm[tw + 2]);
                        Twiddle<T, TV, TW>(ref r3, ref i3, twRe[tw + 3], twIm[tw + 3]);
                    }

                    TV ar = TW.Add(r0, r2), ai = TW.Add(i0, i2), br = TW.Subtract(r0, r2), bi = TW.Subtract(i0, i2);
                    TV cr = TW.Add(r1, r3), ci = TW.Add(i1, i3), dr = TW.Subtract(r1, r3), di = TW.Subtract(i1, i3);
                    nuint o = dst + c;
                    TW.Store(TW.Add(ar, cr), ref yr, o);
                    TW.Store(TW.Add(ai, ci), ref yi, o);
                    TW.Store(TW.Add(br, di), ref yr, o + d1); // b − i·d
                    TW.Store(TW.Subtract(bi, dr), ref yi, o + d1);
                    TW.Store(TW.Subtract(ar, cr), ref yr, o + (2 * d1));
                    TW.Store(TW.Subtract(ai, ci), ref yi, o + (2 * d1));
                    TW.Store(TW.Subtract(br, di), ref yr, o + (3 * d1)); // b + i·d
                    TW.Store(TW.Add(bi, dr), ref yi, o + (3 * d1));
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Radix2<T, TV, TW>(ref T xr, ref T xi, ref T yr, ref T yi, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            int half = _n / 2;
            ReadOnlySpan<T> twRe = Typed<T>(_twRe, _twReF), twIm = Typed<T>(_twIm, _twImF);
            nuint v = (nuint)TW.Count, width = (nuint)stride;
            nuint s1 = (nuint)half * width, d1 = (nuint)_ns * width;
            for (int j = 0; j < half; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * 2) + k) * width;
                bool twiddle = k != 0;
                T wr = twRe[(k * 2) + 1], wi = twIm[(k * 2) + 1];
                for (nuint c = 0; c < width; c += v)
                {
                    nuint at = src + c;
                    TV r0 = TW.Load(ref xr, at), i0 = TW.Load(ref xi, at);
                    TV r1 = TW.Load(ref xr, at + s1), i1 = TW.Load(ref xi, at + s1);
                    if (twiddle)
                    {
                        Twiddle<T, TV, TW>(ref r1, ref i1, wr, wi);
                    }

                    nuint o = dst + c;
                    TW.Store(TW.Add(r0, r1), ref yr, o);
                    TW.Store(TW.Add(i0, i1), ref yi, o);
                    TW.Store(TW.Subtract(r0, r1), ref yr, o + d1);
                    TW.Store(TW.Subtract(i0, i1), ref yi, o + d1);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void RunGeneral<T, TV, TW>(ref T xr, ref T xi, ref T yr, ref T yi, int stride)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            int r = _radix;
            int part = _n / r;
            ReadOnlySpan<T> twRe = Typed<T>(_twRe, _twReF), twIm = Typed<T>(_twIm, _twImF);
            nuint v = (nuint)TW.Count, width = (nuint)stride;
            Span<TV> inRe = stackalloc TV[r];
            Span<TV> inIm = stackalloc TV[r];
            nuint s1 = (nuint)part * width, d1 = (nuint)_ns * width;
            for (int j = 0; j < part; j++)
            {
                int k = j % _ns;
                nuint src = (nuint)j * width;
                nuint dst = (nuint)(((j / _ns) * _ns * r) + k) * width;
                for (nuint c = 0; c < width; c += v)
                {
                    for (int q = 0; q < r; q++)
                    {
                        nuint at = src + ((nuint)q * s1) + c;
                        TV a = TW.Load(ref xr, at);
                        TV b = TW.Load(ref xi, at);
                        if (q != 0 && k != 0)
                        {
                            Twiddle<T, TV, TW>(ref a, ref b, twRe[(k * r) + q], twIm[(k * r) + q]);
                        }

                        inRe[q] = a;
                        inIm[q] = b;
                    }

                    Butterfly<T, TV, TW>(inRe, inIm);
                    for (int q = 0; q < r; q++)
                    {
                        nuint at = dst + ((nuint)q * d1) + c;
                        TW.Store(inRe[q], ref yr, at);
                        TW.Store(inIm[q], ref yi, at);
                    }
                }
            }
        }

        private void Butterfly<T, TV, TW>(Span<TV> re, Span<TV> im)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            if (_radix == 3)
            {
                TV half = TW.Create(T.CreateTruncating(0.5));
                TV s3 = TW.Create(T.CreateTruncating(0.86602540378443864676)); // √3/2
                TV tR = TW.Add(re[1], re[2]), tI = TW.Add(im[1], im[2]);
                TV uR = TW.Subtract(re[1], re[2]), uI = TW.Subtract(im[1], im[2]);
                TV mR = TW.Subtract(re[0], TW.Multiply(tR, half)), mI = TW.Subtract(im[0], TW.Multiply(tI, half));

                // −i·(√3/2)·u = (√3/2·u.im, −√3/2·u.re)
                TV pR = TW.Multiply(uI, s3), pI = TW.Negate(TW.Multiply(uR, s3));
                re[0] = TW.Add(re[0], tR);
                im[0] = TW.Add(im[0], tI);
                re[1] = TW.Add(mR, pR);
                im[1] = TW.Add(mI, pI);
                re[2] = TW.Subtract(mR, pR);
                im[2] = TW.Subtract(mI, pI);
                return;
            }

            Generic<T, TV, TW>(re, im);
        }

        /// <summary>
        /// Odd radix p by conjugate pairs: for k = 1…(p−1)/2, A = v0 + Σ_q (v_q + v_{p−q})·cos(2πqk/p) and
        /// B = −Σ_q (v_q − v_{p−q})·sin(2πqk/p), then y_k = A + i·B and y_{p−k} = A − i·B. About a quarter of
        /// the multiplications of the direct sum.
        /// </summary>
        private void Generic<T, TV, TW>(Span<TV> re, Span<TV> im)
            where T : unmanaged, IFloatingPointIeee754<T>
            where TV : unmanaged
            where TW : struct, ILanes<TV, T>
        {
            int r = _radix;
            int h = (r - 1) / 2;
            ReadOnlySpan<T> rootRe = Typed<T>(_rootRe, _rootReF), rootIm = Typed<T>(_rootIm, _rootImF);
            Span<TV> sumRe = stackalloc TV[h + 1];
            Span<TV> sumIm = stackalloc TV[h + 1];
            Span<TV> difRe = stackalloc TV[h + 1];
            Span<TV> difIm = stackalloc TV[h + 1];
            TV dcRe = re[0], dcIm = im[0];
            for (int q = 1; q <= h; q++)
            {
                sumRe[q] = TW.Add(re[q], re[r - q]);
                sumIm[q] = TW.Add(im[q], im[r - q]);
                difRe[q] = TW.Subtract(re[q], re[r - q]);
                difIm[q] = TW.Subtract(im[q], im[r - q]);
                dcRe = TW.Add(dcRe, sumRe[q]);
                dcIm = TW.Add(dcIm, sumIm[q]);
            }

            TV v0Re = re[0], v0Im = im[0];
            TV zero = TW.Create(T.Zero);
            for (int k = 1; k <= h; k++)
            {
                TV aRe = v0Re, aIm = v0Im, bRe = zero, bIm = zero;
                for (int q = 1; q <= h; q++)
                {
                    int m = q * k % r;
                    TV c = TW.Create(rootRe[m]), sn = TW.Create(rootIm[m]); // rootIm = −sin(2πm/r)
                    aRe = TW.Add(aRe, TW.Multiply(sumRe[q], c));
                    aIm = TW.Add(aIm, TW.Multiply(sumIm[q], c));
                    bRe = TW.Add(bRe, TW.Multiply(difRe[q], sn));
                    bIm = TW.Add(bIm, TW.Multiply(difIm[q], sn));
                }

                // i·B = (−B.im, B.re)
                re[k] = TW.Subtract(aRe, bIm);
                im[k] = TW.Add(aIm, bRe);
                re[r - k] = TW.Add(aRe, bIm);
                im[r - k] = TW.Subtract(aIm, bRe);
            }

            re[0] = dcRe;
            im[0] = dcIm;
        }
    }
}
