using System.Runtime.InteropServices;

namespace MixAug.TorchSharp.Native;

/// <summary>
/// The one libTorchSharp entry point MixAug calls directly: the address of a CPU tensor's first element, so that
/// contiguous float32 batches can go through the SIMD kernels of <see cref="Cpu.CpuMixer"/> without a copy.
/// </summary>
internal static partial class NativeTensor
{
    /// <summary>Address of the first element (storage offset included) of a tensor in CPU memory.</summary>
    /// <param name="t">A live CPU tensor; the caller keeps it alive while using the address.</param>
    internal static IntPtr DataPointer(Tensor t)
    {
        IntPtr address = THSTensor_data(t.Handle);
        if (address == IntPtr.Zero)
        {
            // Allocation-free tensors (zero elements) have no data; MixAug rejects empty batches before getting here.
            throw new InvalidOperationException("The tensor has no data pointer.");
        }

        return address;
    }

    /// <summary>
    /// The elements of a contiguous CPU tensor of element type <typeparamref name="T"/>, read in place. TorchSharp's
    /// <c>data&lt;T&gt;().ToArray()</c> copies through an accessor one element at a time, about 6 ns per element: 57 ms
    /// for a 128x224x224 uint8 label map whose mixing takes 0.5 ms.
    /// </summary>
    /// <param name="t">A live, contiguous CPU tensor; the caller keeps it alive while using the span.</param>
    internal static ReadOnlySpan<T> Elements<T>(Tensor t)
        where T : unmanaged => Writable<T>(t);

    /// <summary>The elements of a contiguous CPU tensor, to write in place (<see cref="Elements{T}"/>).</summary>
    /// <param name="t">A live, contiguous CPU tensor that the caller owns; it keeps it alive while using the span.</param>
    internal static unsafe Span<T> Writable<T>(Tensor t)
        where T : unmanaged
    {
        if (t.device_type != DeviceType.CPU || !t.is_contiguous() || t.ElementSize != sizeof(T))
        {
            throw new InvalidOperationException($"A {t.dtype} tensor on {t.device} (contiguous: {t.is_contiguous()}) is not a contiguous CPU tensor of {typeof(T).Name}.");
        }

        long count = t.numel();
        return count == 0 ? [] : new Span<T>((void*)DataPointer(t), checked((int)count));
    }

    /// <summary>
    /// A new contiguous CPU tensor of <paramref name="shape"/>, its elements uninitialised, and the span to write them
    /// through: libtorch's memory below 32 MiB, a managed array (pinned by the tensor until its storage is freed) from
    /// there on.
    /// </summary>
    /// <remarks>
    /// glibc's allocator, under libtorch's, maps every block above its largest mmap threshold (32 MiB) afresh, so each
    /// new tensor that size faults its pages in on the first write, while the garbage collector reuses the memory of
    /// earlier arrays; below it, freed blocks are reused and libtorch's memory is the cheaper. Measured on this project's
    /// machines, three processes each (the label maps of a 128x224x224 batch, <c>TorchLabelMapMixer.Mix</c>): uint8 maps
    /// (6.4 MB) 0.45-1.04 ms in libtorch's memory against 11.7-13.5 in managed arrays; int64 maps (51 MB) 88-93 ms
    /// against 3.9-16.
    /// </remarks>
    /// <param name="shape">The dimensions, with at least one element.</param>
    /// <param name="dtype">The element type, that of <typeparamref name="T"/>.</param>
    /// <param name="elements">Receives the elements, to write every one of them.</param>
    internal static unsafe Tensor NewHostTensor<T>(long[] shape, ScalarType dtype, out Span<T> elements)
        where T : unmanaged
    {
        const long MappedBytes = 32L << 20;
        long count = 1;
        foreach (long d in shape)
        {
            count = checked(count * d);
        }

        if (count * sizeof(T) < MappedBytes)
        {
            Tensor native = empty(shape, dtype);
            elements = Writable<T>(native);
            return native;
        }

        T[] array = GC.AllocateUninitializedArray<T>(checked((int)count));
        elements = array;
        using Tensor flat = frombuffer(array, dtype);
        return flat.reshape(shape);
    }

    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);
}
