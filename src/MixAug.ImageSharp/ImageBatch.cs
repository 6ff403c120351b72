using System.Buffers;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.ImageSharp;

/// <summary>
/// Converts between <see cref="Image{Rgb24}"/> and planar batches <c>[B, C, H, W]</c>, as uint8 (0..255) or as
/// float32 in [0, 1] (value / 255), the layouts <see cref="Cpu.CpuMixer"/> mixes.
/// </summary>
/// <remarks>
/// <para>Images whose size differs from the format are first scaled to cover it and centre-cropped (ImageSharp's
/// <see cref="ResizeMode.Crop"/> with the default bicubic sampler); images of the right size are copied untouched, so
/// image → uint8 batch → image is lossless, and so is image → float batch → image.</para>
/// <para>Back to images, float values are clamped to [0, 1] and rounded half to even; a one-channel batch gives gray
/// images (R = G = B).</para>
/// </remarks>
/// <threadsafety>Stateless; safe from any thread. The images passed in are only read.</threadsafety>
public static class ImageBatch
{
    /// <summary>Builds a uint8 batch from images, one sample per image.</summary>
    /// <param name="images">At least one image.</param>
    /// <param name="format">Size and channels of the samples.</param>
    /// <returns>A new array of <c>format.ShapeFor(images.Count).ElementCount</c> bytes.</returns>
    /// <exception cref="ArgumentNullException">An argument or an image is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    public static byte[] ToBytes(IReadOnlyList<Image<Rgb24>> images, BatchFormat format)
    {
        BatchShape shape = ShapeOf(images, format);
        byte[] batch = new byte[shape.ElementCount];
        for (int i = 0; i < images.Count; i++)
        {
            WriteSample(images[i], format, batch.AsSpan(i * shape.SampleSize, shape.SampleSize));
        }

        return batch;
    }

    /// <summary>Builds a float32 batch (values in [0, 1]) from images, one sample per image.</summary>
    /// <param name="images">At least one image.</param>
    /// <param name="format">Size and channels of the samples.</param>
    /// <returns>A new array of <c>format.ShapeFor(images.Count).ElementCount</c> floats.</returns>
    /// <exception cref="ArgumentNullException">An argument or an image is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="images"/> is empty.</exception>
    public static float[] ToFloats(IReadOnlyList<Image<Rgb24>> images, BatchFormat format)
    {
        BatchShape shape = ShapeOf(images, format);
        float[] batch = new float[shape.ElementCount];
        byte[] sample = ArrayPool<byte>.Shared.Rent(shape.SampleSize);
        try
        {
            for (int i = 0; i < images.Count; i++)
            {
                Span<byte> bytes = sample.AsSpan(0, shape.SampleSize);
                WriteSample(images[i], format, bytes);
                Span<float> destination = batch.AsSpan(i * shape.SampleSize, shape.SampleSize);
                for (int k = 0; k < bytes.Length; k++)
                {
                    destination[k] = bytes[k] / 255f;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(sample);
        }

        return batch;
    }

    /// <summary>Writes one image as one uint8 sample <c>[C, H, W]</c>.</summary>
    /// <param name="image">The image; resized and cropped on a copy if its size differs from the format.</param>
    /// <param name="format">Size and channels of the sample.</param>
    /// <param name="destination">Exactly <c>Channels·Height·Width</c> bytes.</param>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> or <paramref name="format"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> has the wrong length.</exception>
    public static void WriteSample(Image<Rgb24> image, BatchFormat format, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(format);
        int plane = format.Width * format.Height;
        if (destination.Length != plane * format.Channels)
        {
            throw new ArgumentException(
                $"destination has {destination.Length} elements but one {format} sample needs {plane * format.Channels}.", nameof(destination));
        }

        Image<Rgb24>? fitted = image.Width == format.Width && image.Height == format.Height ? null : Fit(image, format.Width, format.Height);
        Rgb24[] pixels = ArrayPool<Rgb24>.Shared.Rent(plane);
        try
        {
            (fitted ?? image).CopyPixelDataTo(pixels.AsSpan(0, plane));
            if (format.Color == BatchColor.Rgb)
            {
                Span<byte> r = destination[..plane], g = destination.Slice(plane, plane), b = destination.Slice(2 * plane, plane);
                for (int k = 0; k < plane; k++)
                {
                    Rgb24 p = pixels[k];
                    r[k] = p.R;
                    g[k] = p.G;
                    b[k] = p.B;
                }
            }
            else
            {
                for (int k = 0; k < plane; k++)
                {
                    destination[k] = Luma(pixels[k]);
                }
            }
        }
        finally
        {
            ArrayPool<Rgb24>.Shared.Return(pixels);
            fitted?.Dispose();
        }
    }

    /// <summary>Turns one sample of a uint8 batch back into an image.</summary>
    /// <param name="batch">The whole batch.</param>
    /// <param name="shape">Its shape; one or three channels, two spatial dimensions.</param>
    /// <param name="sample">Index of the sample.</param>
    /// <returns>A new image of <c>shape.Width × shape.Height</c>; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The shape is not an image batch of 1 or 3 channels, or <paramref name="batch"/> does not match it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public static Image<Rgb24> ToImage(ReadOnlySpan<byte> batch, BatchShape shape, int sample)
    {
        ReadOnlySpan<byte> values = SampleOf(batch, shape, sample);
        int plane = shape.PlaneSize;
        Rgb24[] pixels = ArrayPool<Rgb24>.Shared.Rent(plane);
        try
        {
            if (shape.Channels == 3)
            {
                for (int k = 0; k < plane; k++)
                {
                    pixels[k] = new Rgb24(values[k], values[plane + k], values[(2 * plane) + k]);
                }
            }
            else
            {
                for (int k = 0; k < plane; k++)
                {
                    pixels[k] = new Rgb24(values[k], values[k], values[k]);
                }
            }

            return Image.LoadPixelData<Rgb24>(pixels.AsSpan(0, plane), shape.Width, shape.Height);
        }
        finally
        {
            ArrayPool<Rgb24>.Shared.Return(pixels);
        }
    }

    /// <summary>Turns one sample of a float32 batch back into an image: values clamped to [0, 1], times 255, rounded half to even.</summary>
    /// <param name="batch">The whole batch.</param>
    /// <param name="shape">Its shape; one or three channels, two spatial dimensions.</param>
    /// <param name="sample">Index of the sample.</param>
    /// <returns>A new image of <c>shape.Width × shape.Height</c>; the caller disposes it.</returns>
    /// <exception cref="ArgumentException">The shape is not an image batch of 1 or 3 channels, or <paramref name="batch"/> does not match it.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public static Image<Rgb24> ToImage(ReadOnlySpan<float> batch, BatchShape shape, int sample)
    {
        ReadOnlySpan<float> values = SampleOf(batch, shape, sample);
        byte[] bytes = new byte[values.Length];
        for (int k = 0; k < values.Length; k++)
        {
            bytes[k] = ToByte(values[k]);
        }

        return ToImage(bytes, shape.WithBatchSize(1), 0);
    }

    /// <summary>Converts one float value in [0, 1] to 8 bits the way <see cref="ToImage(ReadOnlySpan{float}, BatchShape, int)"/> does.</summary>
    /// <param name="value">The value; NaN becomes 0.</param>
    /// <returns><c>round(clamp(value, 0, 1)·255)</c>, half to even.</returns>
    public static byte ToByte(float value) => float.IsNaN(value) ? (byte)0 : (byte)MathF.Round(Math.Clamp(value, 0f, 1f) * 255f, MidpointRounding.ToEven);

    /// <summary>A copy of <paramref name="image"/> scaled to cover <paramref name="width"/> × <paramref name="height"/> and centre-cropped.</summary>
    /// <param name="image">The image; not changed.</param>
    /// <param name="width">Target width.</param>
    /// <param name="height">Target height.</param>
    /// <returns>A new image; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A side is below 1.</exception>
    public static Image<Rgb24> Fit(Image<Rgb24> image, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        return image.Clone(ctx => ctx.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Crop }));
    }

    /// <summary>BT.709 luma of an 8-bit pixel, rounded to nearest; R = G = B = v gives exactly v.</summary>
    internal static byte Luma(Rgb24 p)
    {
        // Integer weights (sum 10000) keep the result exact for equal channels, with no float drift.
        int y = (2126 * p.R) + (7152 * p.G) + (722 * p.B);
        return (byte)((y + 5000) / 10000);
    }

    private static BatchShape ShapeOf(IReadOnlyList<Image<Rgb24>> images, BatchFormat format)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(format);
        if (images.Count == 0)
        {
            throw new ArgumentException("images is empty; a batch needs at least one image.", nameof(images));
        }

        for (int i = 0; i < images.Count; i++)
        {
            if (images[i] is null)
            {
                throw new ArgumentNullException(nameof(images), $"Image {i} is null.");
            }
        }

        return format.ShapeFor(images.Count);
    }

    private static ReadOnlySpan<T> SampleOf<T>(ReadOnlySpan<T> batch, BatchShape shape, int sample)
    {
        if (shape.SpatialRank != 2 || (shape.Channels != 1 && shape.Channels != 3))
        {
            throw new ArgumentException($"Only image batches [B, C, H, W] with 1 or 3 channels become images; the shape is {shape}.", nameof(shape));
        }

        if (batch.Length != shape.ElementCount)
        {
            throw new ArgumentException($"batch has {batch.Length} elements but a {shape} batch has {shape.ElementCount}.", nameof(batch));
        }

        if ((uint)sample >= (uint)shape.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must lie in [0, {shape.BatchSize}); it was {sample}.");
        }

        return batch.Slice(sample * shape.SampleSize, shape.SampleSize);
    }
}
