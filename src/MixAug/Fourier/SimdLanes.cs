using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace MixAug.Fourier;

/// <summary>
/// The lane operations the FFT and the saliency kernels are written with, once, generically: <typeparamref name="TV"/>
/// is <see cref="Vector512{T}"/>, <see cref="Vector256{T}"/>, <see cref="Vector128{T}"/> or <typeparamref name="T"/>
/// itself (scalar code), and the JIT compiles one copy of a kernel per width.
/// </summary>
/// <remarks>Only lane-wise operations, each rounded once (a fused multiply-add is one rounding too; no horizontal
/// reduction): a kernel gives the same bits at every width.</remarks>
/// <typeparam name="TV">The vector (or scalar) type.</typeparam>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal interface ILanes<TV, T>
    where TV : unmanaged
    where T : unmanaged
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    static abstract TV Load(ref T source, nuint offset);

    static abstract void Store(TV value, ref T destination, nuint offset);

    static abstract TV Create(T value);

    static abstract TV Add(TV a, TV b);

    static abstract TV Subtract(TV a, TV b);

    static abstract TV Multiply(TV a, TV b);

    static abstract TV Divide(TV a, TV b);

    static abstract TV Negate(TV a);

    /// <summary><c>a·b + c</c>, rounded once (float or double lanes).</summary>
    static abstract TV FusedMultiplyAdd(TV a, TV b, TV c);

    /// <summary>The smaller of two lanes; NaN if either is NaN.</summary>
    static abstract TV Min(TV a, TV b);

    /// <summary>The larger of two lanes; NaN if either is NaN.</summary>
    static abstract TV Max(TV a, TV b);

    /// <summary>Lane <paramref name="index"/>.</summary>
    static abstract T Element(TV value, int index);
}

/// <summary>512-bit lanes.</summary>
internal readonly struct Lanes512<T> : ILanes<Vector512<T>, T>
    where T : unmanaged
{
    public static int Count => Vector512<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source, nuint offset) => Vector512.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector512<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Create(T value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Add(Vector512<T> a, Vector512<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Subtract(Vector512<T> a, Vector512<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Divide(Vector512<T> a, Vector512<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Negate(Vector512<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> FusedMultiplyAdd(Vector512<T> a, Vector512<T> b, Vector512<T> c) =>
        typeof(T) == typeof(float)
            ? Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Min(Vector512<T> a, Vector512<T> b) => Vector512.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Max(Vector512<T> a, Vector512<T> b) => Vector512.Max(a, b);

    public static T Element(Vector512<T> value, int index) => value.GetElement(index);
}

/// <summary>256-bit lanes.</summary>
internal readonly struct Lanes256<T> : ILanes<Vector256<T>, T>
    where T : unmanaged
{
    public static int Count => Vector256<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Create(T value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Add(Vector256<T> a, Vector256<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Subtract(Vector256<T> a, Vector256<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Divide(Vector256<T> a, Vector256<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Negate(Vector256<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> FusedMultiplyAdd(Vector256<T> a, Vector256<T> b, Vector256<T> c) =>
        typeof(T) == typeof(float)
            ? Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Min(Vector256<T> a, Vector256<T> b) => Vector256.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Max(Vector256<T> a, Vector256<T> b) => Vector256.Max(a, b);

    public static T Element(Vector256<T> value, int index) => value.GetElement(index);
}

/// <summary>128-bit lanes.</summary>
internal readonly struct Lanes128<T> : ILanes<Vector128<T>, T>
    where T : unmanaged
{
    public static int Count => Vector128<T>.Count;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<T> value, ref T destination, nuint offset) => value.StoreUnsafe(ref destination, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Create(T value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Add(Vector128<T> a, Vector128<T> b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Subtract(Vector128<T> a, Vector128<T> b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Divide(Vector128<T> a, Vector128<T> b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Negate(Vector128<T> a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> FusedMultiplyAdd(Vector128<T> a, Vector128<T> b, Vector128<T> c) =>
        typeof(T) == typeof(float)
            ? Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>()
            : Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Min(Vector128<T> a, Vector128<T> b) => Vector128.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Max(Vector128<T> a, Vector128<T> b) => Vector128.Max(a, b);

    public static T Element(Vector128<T> value, int index) => value.GetElement(index);
}

/// <summary>One lane: plain scalar code.</summary>
internal readonly struct Lanes1<T> : ILanes<T, T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Load(ref T source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(T value, ref T destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Create(T value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Add(T a, T b) => a + b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Subtract(T a, T b) => a - b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Multiply(T a, T b) => a * b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Divide(T a, T b) => a / b;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Negate(T a) => -a;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FusedMultiplyAdd(T a, T b, T c) => T.FusedMultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Min(T a, T b) => T.Min(a, b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Max(T a, T b) => T.Max(a, b);

    public static T Element(T value, int index) => value;
}

/// <summary>Which lane width a kernel runs with.</summary>
internal static class SimdLanes
{
    /// <summary>
    /// Test hook: the widest vectors the FFT and the saliency kernels may use (512, 256, 128, or 1 for scalar code);
    /// results never depend on it.
    /// </summary>
    internal static int MaxVectorBits { get; set; } = 512;

    /// <summary>
    /// The widest usable vector for <typeparamref name="T"/> (512, 256, 128 or 1 bits of lanes, 1 meaning scalar),
    /// at most <see cref="MaxVectorBits"/> and whose lane count divides <paramref name="multipleOf"/> (0: any).
    /// </summary>
    public static int Width<T>(int multipleOf = 0)
        where T : unmanaged
    {
        int max = MaxVectorBits;
        if (max >= 512 && Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && multipleOf % Vector512<T>.Count == 0)
        {
            return 512;
        }

        if (max >= 256 && Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && multipleOf % Vector256<T>.Count == 0)
        {
            return 256;
        }

        if (max >= 128 && Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported && multipleOf % Vector128<T>.Count == 0)
        {
            return 128;
        }

        return 1;
    }
}
