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

    [LibraryImport("LibTorchSharp")]
    private static partial IntPtr THSTensor_data(IntPtr handle);
}
