using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// The small per-batch uploads of the libtorch path (indices, weights, box corners, spectra): host arrays made into
/// tensors on the images' device without making the host wait for the device.
/// </summary>
/// <remarks>libtorch copies pageable host memory to a CUDA device and then waits for the stream to finish
/// (<c>non_blocking=false</c>), a synchronisation per upload that would stall the host behind every kernel queued
/// before it. From pinned memory with <c>non_blocking</c> the copy is queued on the current stream like a kernel;
/// libtorch's caching host allocator keeps the pinned block until that copy has run, so the temporary can be disposed
/// at once. Only the CPU side of this is exercised by the tests: no GPU was available where it was written.</remarks>
internal static class DeviceData
{
    /// <summary>int64 values of shape <paramref name="shape"/> on <paramref name="device"/>.</summary>
    public static Tensor Upload(long[] values, long[] shape, Device device) => ToDevice(tensor(values, shape, ScalarType.Int64), device);

    /// <summary>float32 values of shape <paramref name="shape"/> on <paramref name="device"/>.</summary>
    public static Tensor Upload(float[] values, long[] shape, Device device) => ToDevice(tensor(values, shape, ScalarType.Float32), device);

    /// <summary>float64 values of shape <paramref name="shape"/> on <paramref name="device"/>, converted to <paramref name="type"/> there.</summary>
    public static Tensor Upload(double[] values, long[] shape, ScalarType type, Device device) =>
        ToDevice(tensor(values, shape, ScalarType.Float64), device).to(type);

    /// <summary>
    /// 0, 1, …, <paramref name="count"/> − 1 as int64 on <paramref name="device"/>, made there (what
    /// <c>arange(count, ScalarType.Int64, device)</c> makes, with kept Scalars for its start and step).
    /// </summary>
    public static Tensor Range(long count, Device device)
    {
        using Scalar stop = count.ToScalar();
        return arange(KeptScalars.Zero, stop, KeptScalars.One, ScalarType.Int64, device);
    }

    /// <summary>A host tensor moved to <paramref name="device"/> (itself on the CPU); the host tensor joins the current dispose scope.</summary>
    private static Tensor ToDevice(Tensor host, Device device)
    {
        if (device.type == DeviceType.CPU)
        {
            return host;
        }

        return device.type == DeviceType.CUDA ? host.pin_memory().to(device, non_blocking: true) : host.to(device);
    }
}
