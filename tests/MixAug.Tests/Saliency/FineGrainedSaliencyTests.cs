using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Saliency;

/// <summary>Properties of <see cref="FineGrainedSaliency"/> that hold whatever the reference says.</summary>
public class FineGrainedSaliencyTests
{
    private static float[] Compute(BatchShape shape, float[] image) => FineGrainedReferenceTests.Compute(shape, image);

    /// <summary>
    /// A bright Gaussian blob (σ = 4 px) at (cy, cx) on a flat background, in three channels. Unlike the noisy blob of
    /// the spectral-residual tests: with noise, the fine-grained map (which normalises on- and off-centre responses
    /// separately) puts its peak on noise pixels whose two responses add up, which is the algorithm, not an error
    /// (the reference agrees, FineGrainedReferenceTests).
    /// </summary>
    private static float[] Blob(BatchShape shape, int cy, int cx)
    {
        var image = new float[shape.SampleSize];
        for (int c = 0; c < shape.Channels; c++)
        {
            for (int y = 0; y < shape.Height; y++)
            {
                for (int x = 0; x < shape.Width; x++)
                {
                    double d2 = ((y - cy) * (y - cy)) + ((x - cx) * (x - cx));
                    image[(c * shape.PlaneSize) + (y * shape.Width) + x] = (float)(0.2 + (0.6 * Math.Exp(-d2 / 32.0)));
                }
            }
        }

        return image;
    }

    [TestCase(0f)]
    [TestCase(0.3f)]
    [TestCase(-7.25f)]
    [TestCase(1e6f)]
    public void ConstantImageGivesAZeroMap(float value)
    {
        var shape = new BatchShape(1, 3, 50, 70);
        float[] map = Compute(shape, [.. Enumerable.Repeat(value, shape.SampleSize)]);
        Assert.That(map, Is.All.EqualTo(0f));
    }

    [Test]
    public void SinglePixelGivesZero()
    {
        Assert.That(Compute(new BatchShape(1, 3, 1, 1), [0.1f, 0.5f, 0.9f]), Is.EqualTo(new[] { 0f }));
    }

    [TestCase(224, 224, 60, 170)]
    [TestCase(224, 224, 150, 40)]
    [TestCase(96, 128, 30, 90)]
    [TestCase(40, 16, 25, 8)]
    public void PeakIsOnTheBrightBlob(int h, int w, int cy, int cx)
    {
        var shape = new BatchShape(1, 3, h, w);
        float[] map = Compute(shape, Blob(shape, cy, cx));
        int peak = SpectralResidualSaliency.ArgMax(map);
        // The blob's centre holds the largest on-centre response and the dark ring around it (about 2.5σ out) the
        // largest off-centre one; either may win, so the peak lies within 3σ = 12 px of the centre.
        Assert.That(Math.Abs((peak / w) - cy), Is.LessThanOrEqualTo(12), $"peak row {peak / w}");
        Assert.That(Math.Abs((peak % w) - cx), Is.LessThanOrEqualTo(12), $"peak column {peak % w}");
        Assert.That(map.All(v => v >= 0f && v <= 2f), Is.True);
        Assert.That(map.Max(), Is.GreaterThanOrEqualTo(1f - 1e-6f), "On and Off are each normalised to 1 at their maximum");
    }

    /// <summary>
    /// Moving a blob moves the peak by the same offset. The image is large enough that no window of a pixel near the
    /// blob (half-width up to 112) reaches the border in either position, so the map there is shift-equivariant.
    /// </summary>
    [TestCase(0, 0)]
    [TestCase(11, -23)]
    [TestCase(-30, 41)]
    public void TranslatingTheBlobMovesThePeak(int dy, int dx)
    {
        var shape = new BatchShape(1, 3, 480, 500);
        int cy = 240, cx = 250;
        int before = SpectralResidualSaliency.ArgMax(Compute(shape, Blob(shape, cy, cx)));
        int after = SpectralResidualSaliency.ArgMax(Compute(shape, Blob(shape, cy + dy, cx + dx)));
        Assert.That(Math.Abs((before / 500) - cy) + Math.Abs((before % 500) - cx), Is.LessThanOrEqualTo(24), "on the blob or its dark surround");
        Assert.That((after / 500, after % 500), Is.EqualTo(((before / 500) + dy, (before % 500) + dx)));
    }

    [Test]
    public void PeakIsOnTheDiscAndInsideTheTexturedPatch()
    {
        var shape = new BatchShape(1, 3, 120, 150);
        int disc = SpectralResidualSaliency.ArgMax(Compute(shape, FineGrainedReferenceTests.Image(shape, "disc", 3)));
        double radius = 120 / 6.0;
        double distance = Math.Sqrt(Math.Pow((disc / 150) - 48, 2) + Math.Pow((disc % 150) - 90, 2));
        // On the rim: the bright side (on-centre) or the dark pixels just outside (off-centre) hold the largest contrast.
        Assert.That(distance, Is.InRange(radius - 4, radius + 4), "on the disc's rim");
        int patch = SpectralResidualSaliency.ArgMax(Compute(shape, FineGrainedReferenceTests.Image(shape, "patch", 4)));
        double side = 150 / 4.0;
        Assert.That(Math.Abs((patch / 150) - 60), Is.LessThan(side / 2), "patch row");
        Assert.That(Math.Abs((patch % 150) - 37.5), Is.LessThan(side / 2), "patch column");
    }

    /// <summary>The map depends on the differences of intensities only, relative to their largest: gain and offset cancel.</summary>
    [TestCase(2f, 0f)]
    [TestCase(0.01f, 0.5f)]
    [TestCase(255f, -10f)]
    public void MapIsInvariantToGainAndOffset(float gain, float offset)
    {
        var shape = new BatchShape(1, 3, 64, 80);
        float[] image = FineGrainedReferenceTests.Image(shape, "shapes", 9);
        float[] map = Compute(shape, image);
        float[] scaled = Compute(shape, [.. image.Select(v => (gain * v) + offset)]);
        Assert.That(FineGrainedReferenceTests.MaxDifference(scaled, [.. map.Select(v => (double)v)]).Worst, Is.LessThan(FineGrainedReferenceTests.Tolerance));
    }

    [Test]
    public void LumaWeighsTheChannelsInRgbOrder()
    {
        // A green square on black stands out more than the same square in blue: luma weighs green 0.587, blue 0.114,
        // but the map is normalised, so the check is on the grayscale the reference computes, and the map agrees.
        var shape = new BatchShape(1, 3, 4, 4);
        float[] image = new float[shape.SampleSize];
        image[16 + 5] = 1f;
        double[] gray = FineGrainedReference.Gray(shape, image);
        Assert.That(gray[5], Is.EqualTo(0.587).Within(1e-7));
        Assert.That(Compute(shape, image), Is.EqualTo(FineGrainedReference.Map(shape, image).Select(v => (float)v)).Within(1e-5f));
    }

    [Test]
    public void MapsOfABatchOnSeveralThreadsEqualTheSingleMaps()
    {
        var shape = new BatchShape(6, 3, 48, 56);
        float[] batch = [.. Enumerable.Range(0, 6).SelectMany(i => FineGrainedReferenceTests.Image(new BatchShape(1, 3, 48, 56), i % 2 == 0 ? "blob" : "noise", (ulong)i))];
        SaliencyMaps maps = CpuFeatures.Compute(FeatureRequirements.ForSaliency(FineGrainedSaliency.Default, SaliencyDetail.Maps), shape, batch).Saliency[0];
        Assert.That((maps.GridHeight, maps.GridWidth), Is.EqualTo((48, 56)), "a full-resolution grid");
        for (int i = 0; i < 6; i++)
        {
            float[] single = Compute(new BatchShape(1, 3, 48, 56), batch.AsSpan(i * shape.SampleSize, shape.SampleSize).ToArray());
            Assert.That(maps.Peak(i), Is.EqualTo(SpectralResidualSaliency.ArgMax(single)), $"sample {i}");
        }
    }

    [Test]
    public void BadArgumentsThrowNamingTheParameter()
    {
        var source = FineGrainedSaliency.Default;
        var image = new BatchShape(1, 3, 8, 8);
        var sequence = BatchShape.Sequence(1, 3, 8);
        Assert.That(Assert.Throws<ArgumentException>(() => source.ComputeGrid(sequence, new float[24], new float[8]))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => source.ComputeGrid(image, new float[191], new float[64]))!.ParamName, Is.EqualTo("sample"));
        Assert.That(Assert.Throws<ArgumentException>(() => source.ComputeGrid(image, new float[192], new float[63]))!.ParamName, Is.EqualTo("grid"));
    }

    [Test]
    public void InstancesAreEqualAndNameThemselves()
    {
        Assert.That(new FineGrainedSaliency(), Is.EqualTo(FineGrainedSaliency.Default));
        Assert.That(new FineGrainedSaliency().GetHashCode(), Is.EqualTo(FineGrainedSaliency.Default.GetHashCode()));
        Assert.That(FineGrainedSaliency.Default.Equals(SpectralResidualSaliency.Default), Is.False);
        Assert.That(FineGrainedSaliency.Default.ToString(), Is.EqualTo("FineGrainedSaliency"));
        Assert.That(FineGrainedSaliency.Default.GridSize(new SpatialShape(30, 40)), Is.EqualTo((30, 40)));
    }
}
