using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using NUnit.Framework;

namespace MixAug.Tests.Transforms;

/// <summary>
/// The scaffolding shared by the tests of the transforms that paste a partner's most salient part (SaliencyMix,
/// GuidedMix): a saliency source whose peaks are known in advance, a batch that says which sample is which, and the
/// checks of a box centred on a peak and of pixels taken from the sample or its partner.
/// </summary>
internal static class SalientPaste
{
    /// <summary>A batch of random pixels whose sample s holds s in its first element (so <see cref="KnownPeaks"/> knows it).</summary>
    public static float[] IndexedBatch(BatchShape shape)
    {
        var random = new MixRandom(1);
        float[] batch = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
        for (int s = 0; s < shape.BatchSize; s++)
        {
            batch[s * shape.SampleSize] = s;
        }

        return batch;
    }

    /// <summary>
    /// Checks sample <paramref name="sample"/>'s region: the CutMix-sized box of <paramref name="lambda"/> centred on
    /// <paramref name="peak"/> and cropped by the image, with λ its exact own share; unmixed when the crop is empty.
    /// </summary>
    public static void AssertBoxCentredOn(MixPlan plan, int sample, BatchShape shape, double lambda, (int Y, int X) peak)
    {
        (int cutH, int cutW) = BoxSampler.CutSize(shape.Spatial, lambda);
        int top = Math.Max(peak.Y - (cutH / 2), 0), left = Math.Max(peak.X - (cutW / 2), 0);
        int bottom = Math.Min(peak.Y - (cutH / 2) + cutH, shape.Height), right = Math.Min(peak.X - (cutW / 2) + cutW, shape.Width);
        if (bottom <= top || right <= left)
        {
            Assert.That(plan.IsMixed(sample), Is.False);
            return;
        }

        var box = (BoxRegion)plan.Regions[sample];
        Assert.That((box.Top, box.Left, box.Bottom, box.Right), Is.EqualTo((top, left, bottom, right)), $"sample {sample}");
        // (plane − area)/plane in one correctly rounded division is the double nearest the exact share
        double plane = shape.PlaneSize;
        Assert.That(plan.Lambdas[sample], Is.EqualTo((plane - ((bottom - top) * (right - left))) / plane));
    }

    /// <summary>Checks that a batch-mode plan gives every sample the box of the first Beta draw of <paramref name="seed"/>, centred on <paramref name="peak"/>.</summary>
    public static void AssertOneBoxForTheBatch(MixPlan plan, BatchShape shape, ulong seed, (int Y, int X) peak)
    {
        double lambda = BetaSampler.Sample(new MixRandom(seed), 1, 1);
        (int cutH, int cutW) = BoxSampler.CutSize(shape.Spatial, lambda);
        RegionDraw expected = BoxSampler.CentredBox(shape.Spatial, cutH, cutW, peak.Y, peak.X, true, lambda);
        for (int i = 0; i < shape.BatchSize; i++)
        {
            Assert.That(plan.Regions[i].ToString(), Is.EqualTo(expected.Region.ToString()));
            Assert.That(plan.Lambdas[i], Is.EqualTo(expected.Lambda));
        }
    }

    /// <summary>
    /// Applies the plan and checks that every element comes from the sample or its partner, and that the partner's
    /// elements are exactly 1 − λ of each plane (the random pixels of <see cref="IndexedBatch"/> never coincide).
    /// </summary>
    public static void AssertPastedFromSelfOrPartner(MixPlan plan, BatchShape shape, float[] batch)
    {
        var output = new float[batch.Length];
        CpuMixer.Apply(plan, batch, output);
        int sampleSize = shape.SampleSize, plane = shape.PlaneSize;
        for (int i = 0; i < shape.BatchSize; i++)
        {
            int p = plan.Partners[i];
            long fromPartner = 0;
            for (int k = 0; k < sampleSize; k++)
            {
                float o = output[(i * sampleSize) + k], x = batch[(i * sampleSize) + k], y = batch[(p * sampleSize) + k];
                Assert.That(o == x || o == y, Is.True, $"sample {i} element {k}");
                fromPartner += o == y && o != x ? 1 : 0;
            }

            Assert.That(fromPartner, Is.EqualTo((long)Math.Round((1 - plan.Lambdas[i]) * plane) * shape.Channels), $"sample {i}");
        }
    }

    /// <summary>
    /// A full-resolution saliency source whose map is known in advance: the bump 1 / (1 + |y − py| + |x − px|) peaking
    /// at ((rowStep·s) mod H, (columnStep·s) mod W) for the sample whose first element is s.
    /// </summary>
    internal sealed class KnownPeaks(int rowStep, int columnStep) : ISaliencySource
    {
        public (int Y, int X) PeakOf(BatchShape shape, int s) => ((rowStep * s) % shape.Height, (columnStep * s) % shape.Width);

        public (int Height, int Width) GridSize(SpatialShape spatial) => (spatial.Height, spatial.Width);

        public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) => ComputeMap(shape, sample, grid);

        public void ComputeMap(BatchShape shape, ReadOnlySpan<float> sample, Span<float> map)
        {
            (int py, int px) = PeakOf(shape, (int)sample[0]);
            for (int y = 0; y < shape.Height; y++)
            {
                for (int x = 0; x < shape.Width; x++)
                {
                    map[(y * shape.Width) + x] = 1f / (1 + Math.Abs(y - py) + Math.Abs(x - px));
                }
            }
        }
    }
}
