using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Saliency;
using MixAug.Transforms;
using NUnit.Framework;

namespace MixAug.Tests.Transforms;

public class SaliencyMixTests
{
    private static readonly SalientPaste.KnownPeaks Peaks = new(rowStep: 7, columnStep: 11);

    private sealed class Constant : ISaliencySource
    {
        public (int Height, int Width) GridSize(SpatialShape spatial) => (spatial.Height, spatial.Width);

        public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) => grid.Fill(0.5f);
    }

    [TestCase(LambdaMode.Element)]
    [TestCase(LambdaMode.Pair)]
    public void BoxIsCentredOnThePartnersPeakWithExactLambda(LambdaMode mode)
    {
        var shape = new BatchShape(9, 2, 20, 31);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new SaliencyMix(beta: 0.8, mode: mode, pairing: PairingStrategy.Permutation, saliency: Peaks);
        MixPlan plan = transform.CreatePlan(shape, batch, new MixRandom(4));
        // Replay: partners (Permutation, mutual in pair mode), then one Beta per group in order.
        var random = new MixRandom(4);
        int[] partners = Pairings.Create(PairingStrategy.Permutation, 9, random, mutual: mode == LambdaMode.Pair);
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(partners));
        for (int i = 0; i < 9; i++)
        {
            int p = partners[i];
            if (p == i || (mode == LambdaMode.Pair && p < i))
            {
                continue;
            }

            double lambda = BetaSampler.Sample(random, 0.8, 0.8);
            SalientPaste.AssertBoxCentredOn(plan, i, shape, lambda, Peaks.PeakOf(shape, p));
        }
    }

    [Test]
    public void BatchModeUsesThePeakOfSampleZerosPartnerForEverySample()
    {
        var shape = new BatchShape(6, 1, 24, 24);
        MixPlan plan = new SaliencyMix(saliency: Peaks).CreatePlan(shape, SalientPaste.IndexedBatch(shape), new MixRandom(3));
        SalientPaste.AssertOneBoxForTheBatch(plan, shape, 3, Peaks.PeakOf(shape, 5)); // flip: sample 0's partner is 5
    }

    [Test]
    public void TiedSaliencyCentresTheBoxOnTheFirstPixel()
    {
        var shape = new BatchShape(2, 1, 10, 10);
        MixPlan plan = new SaliencyMix(saliency: new Constant()).CreatePlan(shape, new float[200], new MixRandom(8));
        var box = (BoxRegion)plan.Regions[0];
        Assert.That((box.Top, box.Left), Is.EqualTo((0, 0)));
    }

    [Test]
    public void MaskTakesThePartnersMostSalientPixelsWithExactLambda()
    {
        var shape = new BatchShape(7, 3, 16, 40);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new SaliencyMix(mode: LambdaMode.Element, region: SaliencyRegion.Mask, saliency: Peaks);
        MixPlan plan = transform.CreatePlan(shape, batch, new MixRandom(12));
        int n = shape.PlaneSize;
        for (int i = 0; i < 7; i++)
        {
            int p = plan.Partners[i];
            if (p == i)
            {
                continue;
            }

            var region = (SaliencyMaskRegion)plan.Regions[i];
            Assert.That(region.MapIndex, Is.EqualTo(p));
            var mask = new float[n];
            RegionRasterizer.WriteOwnWeights(region, shape.Spatial, plan.Lambdas[i], mask);
            Assert.That(mask.All(m => m is 0f or 1f), Is.True);
            int own = mask.Count(m => m == 1f);
            Assert.That(plan.Lambdas[i], Is.EqualTo(own / (double)n));
            var map = new float[n];
            Peaks.ComputeMap(shape, batch.AsSpan(p * shape.SampleSize, shape.SampleSize), map);
            float minTaken = map.Where((_, k) => mask[k] == 0).DefaultIfEmpty(float.PositiveInfinity).Min();
            float maxKept = map.Where((_, k) => mask[k] == 1).DefaultIfEmpty(float.NegativeInfinity).Max();
            Assert.That(minTaken, Is.GreaterThanOrEqualTo(maxKept));
        }
    }

    [TestCase(SaliencyRegion.Box)]
    [TestCase(SaliencyRegion.Mask)]
    public void SpectralResidualPlansApplyToSelfOrPartnerPixels(SaliencyRegion region)
    {
        var shape = new BatchShape(4, 3, 48, 64);
        float[] batch = SalientPaste.IndexedBatch(shape);
        MixPlan plan = new SaliencyMix(mode: LambdaMode.Element, region: region).CreatePlan(shape, batch, new MixRandom(2));
        SalientPaste.AssertPastedFromSelfOrPartner(plan, shape, batch);
    }

    [TestCase(SaliencyRegion.Box)]
    [TestCase(SaliencyRegion.Mask)]
    public void ARequestWithCpuFeaturesGivesTheSamePlanAsThePixelOverload(SaliencyRegion region)
    {
        var shape = new BatchShape(5, 3, 32, 32);
        float[] batch = SalientPaste.IndexedBatch(shape);
        var transform = new SaliencyMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, region: region);
        BatchFeatures features = CpuFeatures.Compute(transform.Requirements, shape, batch);
        Assert.That(features.Saliency, Has.Count.EqualTo(1));
        Assert.That(features.Saliency[0].HasGrids, Is.EqualTo(region == SaliencyRegion.Mask), "peaks only for boxes");
        MixPlan fromRequest = transform.CreatePlan(new MixRequest(shape, new MixRandom(6), features));
        Assert.That(MixPlanJson.Serialize(fromRequest), Is.EqualTo(MixPlanJson.Serialize(transform.CreatePlan(shape, batch, new MixRandom(6)))));
    }

    [Test]
    public void PeaksAreTheArgMaxOfEachSamplesMap()
    {
        var shape = new BatchShape(6, 3, 40, 56);
        float[] batch = SalientPaste.IndexedBatch(shape);
        BatchFeatures features = CpuFeatures.Compute(FeatureRequirements.ForSaliency(SpectralResidualSaliency.Default, SaliencyDetail.Maps), shape, batch);
        SaliencyMaps maps = features.Saliency[0];
        var map = new float[shape.PlaneSize];
        for (int i = 0; i < shape.BatchSize; i++)
        {
            SpectralResidualSaliency.Default.ComputeMap(shape, batch.AsSpan(i * shape.SampleSize, shape.SampleSize), map);
            Assert.That(maps.Peak(i), Is.EqualTo(SpectralResidualSaliency.ArgMax(map)), $"sample {i}");
        }
    }

    [Test]
    public void BadInputsAreRejectedClearly()
    {
        var transform = new SaliencyMix();
        var shape = new BatchShape(2, 3, 8, 8);
        var wrong = Assert.Throws<ArgumentException>(() => transform.CreatePlan(shape, new float[383], new MixRandom(1)));
        Assert.That(wrong!.ParamName, Is.EqualTo("pixels"));
        Assert.That(wrong.Message, Does.Contain("383").And.Contain("384"));
        var volume = Assert.Throws<ArgumentException>(() => transform.CreatePlan(BatchShape.Volume(2, 1, 2, 8, 8), new float[256], new MixRandom(1)));
        Assert.That(volume!.ParamName, Is.EqualTo("shape"));
        Assert.That(volume.Message, Does.Contain("spatial rank 3"));
        Assert.Throws<ArgumentException>(() => transform.CreatePlan(BatchShape.Sequence(2, 1, 8), new MixRandom(1)));
        var missing = Assert.Throws<ArgumentException>(() => transform.CreatePlan(shape, new MixRandom(1)));
        Assert.That(missing!.Message, Does.Contain("needs saliency peaks").And.Contain("CpuFeatures.Compute"));
        var peaksOnly = CpuFeatures.Compute(transform.Requirements, shape, new float[384]);
        var maskTransform = new SaliencyMix(region: SaliencyRegion.Mask);
        Assert.That(Assert.Throws<ArgumentException>(() => maskTransform.CreatePlan(new MixRequest(shape, new MixRandom(1), peaksOnly)))!.Message, Does.Contain("peaks only"));
        Assert.Throws<ArgumentException>(() => transform.CreatePlan(default, new float[0], new MixRandom(1)));
        var beta = Assert.Throws<ArgumentOutOfRangeException>(() => new SaliencyMix(beta: 0));
        Assert.That(beta!.ParamName, Is.EqualTo("beta"));
        Assert.That(beta.Message, Does.Contain("0"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new SaliencyMix(region: (SaliencyRegion)5))!.ParamName, Is.EqualTo("region"));
    }
}
