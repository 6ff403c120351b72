using MixAug.Cpu;
using MixAug.Saliency;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Features;

/// <summary>
/// Computes the batch features a transform needs (<see cref="IMixTransform.Requirements"/>) from an image tensor, on the
/// tensor's own device: the TorchSharp backend's half of drawing plans that read the pixels. On a GPU, spectral-residual
/// saliency runs entirely on the device (<c>torch.fft</c>, pooling, convolutions, bilinear upsampling, arg-max); only
/// the B peak indices (or, for saliency masks, the B small grids) travel to the host. A CPU tensor is computed by
/// <see cref="CpuFeatures"/> over a float32 copy, giving exactly the features (and so the plans) of a float array, as
/// are other saliency sources on any device: among them <see cref="FineGrainedSaliency"/>, SaliencyMix's default (a
/// GPU batch is copied to the host for it; pass <see cref="SpectralResidualSaliency.Default"/> to SaliencyMix to keep
/// the saliency on the device).
/// </summary>
/// <remarks>A GPU computes in float32 where <see cref="CpuFeatures"/> computes in double, so grids agree within float
/// tolerance and a peak may move between two nearly equal maxima; plans are exact for the features they are given.</remarks>
/// <threadsafety>Stateless; safe to call from several threads (dispose scopes are per thread).</threadsafety>
public static class TorchFeatures
{
    /// <summary>Computes every feature in <paramref name="requirements"/> for <paramref name="images"/>.</summary>
    /// <param name="requirements">What the transform needs.</param>
    /// <param name="images">The batch <c>[B, C, H, W]</c>, floating point, on any device (borrowed).</param>
    /// <returns>The features, to pass in a <see cref="MixRequest"/>.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The images are not a non-empty floating-point <c>[B, C, H, W]</c> batch.</exception>
    public static BatchFeatures Compute(FeatureRequirements requirements, Tensor images) => Compute(requirements, images, allowCpuKernels: true);

    /// <summary>As <see cref="Compute(FeatureRequirements, Tensor)"/>; with <paramref name="allowCpuKernels"/> false a CPU
    /// tensor takes the libtorch route too (the tests' way to exercise the device code without a device).</summary>
    internal static BatchFeatures Compute(FeatureRequirements requirements, Tensor images, bool allowCpuKernels)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        ArgumentNullException.ThrowIfNull(images);
        if (requirements.IsEmpty)
        {
            return BatchFeatures.None;
        }

        long[] dims = images.shape;
        if (dims.Length != 4 || dims.Any(d => d < 1 || d > int.MaxValue) || !TensorChecks.IsFloating(images.dtype))
        {
            throw new ArgumentException(
                $"images must be a non-empty floating-point [B, C, H, W] batch to compute saliency; it is {images.dtype} {TensorChecks.Describe(dims)}.",
                nameof(images));
        }

        if (images.device_type == DeviceType.META)
        {
            throw new ArgumentException("images is on the meta device, which holds no data.", nameof(images));
        }

        TorchSharpRuntime.EnsureLoadable();
        BatchShape shape = BatchShape.FromDimensions([.. dims.Select(d => (int)d)]);
        // A batch in host memory is the CPU backend's: its own kernels run there, several times faster than libtorch's
        // general operations at these sizes (the FFT of a 64x64 grid above all), and give the plans of CpuPlanning.
        bool onHost = allowCpuKernels && images.device_type == DeviceType.CPU;
        var maps = new List<SaliencyMaps>();
        foreach (SaliencyRequirement need in requirements.Saliency)
        {
            maps.Add(need.Source is SpectralResidualSaliency spectral && !onHost
                ? SpectralResidual(spectral, shape, images, need.Detail)
                : OnHost(need, shape, images));
        }

        return new BatchFeatures(maps);
    }

    /// <summary>A batch on the CPU, or a saliency source with no device implementation: CpuFeatures over the float32
    /// contiguous batch in host memory, read in place (the batch itself when it is one already, else a converted copy).</summary>
    /// <remarks>The elements are read through the tensor's data pointer: <c>data&lt;float&gt;().ToArray()</c> copied them one
    /// accessor step at a time, 118 ms for a 128x3x224x224 batch against 5.5 ms for the features themselves.</remarks>
    private static SaliencyMaps OnHost(SaliencyRequirement need, BatchShape shape, Tensor images)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor host = images.detach().to(ScalarType.Float32).cpu().contiguous();
        return CpuFeatures.Compute(FeatureRequirements.ForSaliency(need.Source, need.Detail), shape, NativeTensor.Elements<float>(host)).Saliency[0];
    }

    /// <summary>
    /// Steps 1–8 of <see cref="SpectralResidualSaliency"/> on the device: channel mean, area resampling as two matrix
    /// products, FFT, log amplitude minus its replicated 3×3 mean, inverse FFT of the residual with the original phase,
    /// squared magnitude, separable Gaussian blur with replicated borders, min–max normalisation per sample. Then the
    /// bilinear upsampling (half-pixel centres) and the first arg-max, on the device too.
    /// </summary>
    private static SaliencyMaps SpectralResidual(SpectralResidualSaliency source, BatchShape shape, Tensor images, SaliencyDetail detail)
    {
        using DisposeScope scope = NewDisposeScope();
        Device device = images.device;
        int r = source.Resolution, h = shape.Height, w = shape.Width, b = shape.BatchSize;
        Tensor gray = images.detach().to(ScalarType.Float32).mean([1L]); // [B, H, W]
        Tensor rows = AreaMatrix(h, r, device);                              // [r, H]
        Tensor columns = AreaMatrix(w, r, device).t();                        // [W, r]
        Tensor grid = rows.matmul(gray).matmul(columns);                     // [B, r, r]
        Tensor flat = grid.amax([1L, 2L]).eq(grid.amin([1L, 2L]));            // [B]: no residual to take

        Tensor spectrum = fft.fft2(grid);
        Tensor amplitude = spectrum.abs();
        // As on the CPU: amplitudes below ZeroAmplitude·max (float32 rounding noise where the spectrum is 0) take the floor.
        using Scalar floorShare = SpectralResidualSaliency.AmplitudeFloor.ToScalar(), zeroShare = SpectralResidualSaliency.ZeroAmplitude.ToScalar();
        using Scalar smallest = float.Epsilon.ToScalar(), two = 2.ToScalar();
        Tensor largest = amplitude.amax([1L, 2L], keepdim: true);
        Tensor floor = largest.mul(floorShare).clamp_min(smallest);
        Tensor below = amplitude.lt(largest.mul(zeroShare));
        Tensor safe = where(below, floor, amplitude);
        Tensor unit = complex(ones_like(amplitude), zeros_like(amplitude));
        Tensor phase = where(below, unit, spectrum.div(safe));
        Tensor logAmplitude = safe.log().unsqueeze(1);                                       // [B, 1, r, r]
        Tensor localMean = nn.functional.avg_pool2d(nn.functional.pad(logAmplitude, [1, 1, 1, 1], PaddingModes.Replicate), 3, 1);
        Tensor residual = logAmplitude.sub(localMean).squeeze(1).exp();
        Tensor saliency = fft.ifft2(phase.mul(residual)).abs().pow(two).unsqueeze(1);          // [B, 1, r, r]

        float[] taps = [.. source.BlurKernel.ToArray().Select(v => (float)v)];
        long radius = taps.Length / 2;
        Tensor vertical = tensor(taps, [1, 1, taps.Length, 1], ScalarType.Float32, device);
        Tensor horizontal = tensor(taps, [1, 1, 1, taps.Length], ScalarType.Float32, device);
        saliency = nn.functional.conv2d(nn.functional.pad(saliency, [radius, radius, 0, 0], PaddingModes.Replicate), horizontal);
        saliency = nn.functional.conv2d(nn.functional.pad(saliency, [0, 0, radius, radius], PaddingModes.Replicate), vertical);

        Tensor low = saliency.amin([2L, 3L], keepdim: true), high = saliency.amax([2L, 3L], keepdim: true);
        Tensor range = high.sub(low);
        Tensor spread = range.gt(KeptScalars.Zero);
        Tensor normalised = where(spread, saliency.sub(low).div(where(spread, range, ones_like(range))), zeros_like(saliency));
        normalised = where(flat.view(b, 1, 1, 1), zeros_like(normalised), normalised);   // [B, 1, r, r]

        SpatialShape spatial = shape.Spatial;
        if (detail == SaliencyDetail.Maps)
        {
            float[] grids = NativeTensor.Elements<float>(normalised.reshape(b * r * r).cpu().contiguous()).ToArray();
            return SaliencyMaps.FromGrids(source, spatial, r, r, grids);
        }

        Tensor upsampled = nn.functional.interpolate(normalised, [h, w], mode: InterpolationMode.Bilinear, align_corners: false);
        long[] peaks = upsampled.reshape(b, h * w).argmax(1).cpu().data<long>().ToArray();
        return SaliencyMaps.FromPeaks(source, spatial, [.. peaks.Select(p => (int)p)]);
    }

    /// <summary>The area-average weights from <paramref name="extent"/> samples to <paramref name="cells"/> cells as a [cells, extent] matrix.</summary>
    private static Tensor AreaMatrix(int extent, int cells, Device device)
    {
        (int[] start, double[] weights, int taps) = SpectralResidualSaliency.AreaWeights(extent, cells);
        var matrix = new float[cells * extent];
        for (int j = 0; j < cells; j++)
        {
            for (int t = 0; t < taps; t++)
            {
                int i = start[j] + t;
                if (i < extent)
                {
                    matrix[(j * extent) + i] += (float)weights[(j * taps) + t];
                }
            }
        }

        return tensor(matrix, [cells, extent], ScalarType.Float32, device);
    }
}
