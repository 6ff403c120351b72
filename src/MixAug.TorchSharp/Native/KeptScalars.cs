using TorchSharp;

namespace MixAug.TorchSharp.Native;

/// <summary>
/// The Scalars MixAug passes to libtorch over and over, made once and never freed, so that no finalizer can free one
/// while a native call reads it.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 frees a <see cref="Scalar"/>'s native handle in its finalizer and keeps no reference to it during the
/// P/Invoke that reads it, so a temporary Scalar (an implicit conversion of a number, or the alpha of 1 that
/// <c>Tensor.add(Tensor)</c> fills in) can be freed by a collection on another thread mid-call and crash the process
/// (docs/torchsharp.md). MixAug therefore passes every Scalar either from here or from a <c>using</c> local that lives
/// past the call, and calls the overloads that take the alpha explicitly. <c>ScalarLifetimeScan</c>
/// (MixAug.TorchSharp.Testing) checks every method of MixAug.TorchSharp and MixAug.Training for both (the Meta tests).
/// Each Scalar here has the type the C# literal it replaces converts to, so results are bit for bit those of the
/// literal. libtorch only reads a Scalar, so sharing one between threads is safe.
/// </remarks>
internal static class KeptScalars
{
    /// <summary>The integer 0.</summary>
    public static readonly Scalar Zero;

    /// <summary>The integer 1, also the alpha of <c>add(other, alpha)</c> for a plain sum.</summary>
    public static readonly Scalar One;

    // An explicit static constructor runs at the first use of a field, in code order. Field initializers alone would
    // let the runtime make the Scalars when it compiles a method that uses them, which can be before that method's
    // TorchSharpRuntime.EnsureLoadable call has made libtorch loadable.
    static KeptScalars()
    {
        TorchSharpRuntime.EnsureLoadable();
        Zero = 0.ToScalar();
        One = 1.ToScalar();
    }

    /// <summary>
    /// <c>1 − <paramref name="tensor"/></c>, as C#'s <c>1 - tensor</c> computes it (libtorch's rsub with the integer 1),
    /// with kept Scalars.
    /// </summary>
    public static Tensor OneMinus(Tensor tensor) => tensor.neg().add_(One, One);
}
