using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class CutMixTests
{
    [Test]
    public void RejectsBadRatios()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new CutMix(minRatio: 0.3))!.ParamName, Is.EqualTo("maxRatio"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new CutMix(minRatio: 0.6, maxRatio: 0.4))!.Message, Does.Contain("0.6").And.Contain("0.4"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CutMix(minRatio: 0, maxRatio: 0.4))!.ParamName, Is.EqualTo("minRatio"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CutMix(minRatio: 0.2, maxRatio: 1.2))!.ParamName, Is.EqualTo("maxRatio"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new CutMix(minRatio: 0.2, maxRatio: 0.5, correctLambda: false))!.ParamName, Is.EqualTo("correctLambda"));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new CutMix(alpha: -1));
    }

    [Test]
    public void BatchModeBoxFollowsTheDocumentedDraws()
    {
        // Flip pairing and probability 1 draw nothing first: lambda, then the centre row, then the centre column.
        var shape = new BatchShape(2, 1, 10, 20);
        MixPlan plan = new CutMix(alpha: 1.0).CreatePlan(shape, new MixRandom(21));
        var replay = new MixRandom(21);
        double lambda = BetaSampler.Sample(replay, 1, 1);
        int cy = replay.NextInt(10);
        int cx = replay.NextInt(20);
        int cutH = (int)(10 * Math.Sqrt(1 - lambda));
        int cutW = (int)(20 * Math.Sqrt(1 - lambda));
        int top = Math.Clamp(cy - (cutH / 2), 0, 10);
        int bottom = Math.Clamp(cy - (cutH / 2) + cutH, 0, 10);
        int left = Math.Clamp(cx - (cutW / 2), 0, 20);
        int right = Math.Clamp(cx - (cutW / 2) + cutW, 0, 20);
        var box = (BoxRegion)plan.Regions[0];
        Assert.That((box.Top, box.Left, box.Bottom, box.Right), Is.EqualTo((top, left, bottom, right)));
        Assert.That(plan.Regions[1], Is.SameAs(box));
        Assert.That(plan.Lambdas[0], Is.EqualTo(1.0 - ((double)(bottom - top) * (right - left) / 200.0)).Within(1e-15));
    }

    [Test]
    public void LambdaIsTheExactShareOfOwnPixelsForEveryBox()
    {
        var random = new MixRandom(31);
        var shapes = new[] { new BatchShape(7, 1, 5, 9), new BatchShape(5, 2, 1, 4096), new BatchShape(4, 1, 4096, 1), new BatchShape(3, 1, 1, 1), new BatchShape(6, 3, 32, 32), BatchShape.Sequence(5, 2, 50) };
        foreach (BatchShape shape in shapes)
        {
            foreach (IMixTransform t in new IMixTransform[] { new CutMix(alpha: 0.5, mode: LambdaMode.Element), new CutMix(minRatio: 0.1, maxRatio: 0.9, mode: LambdaMode.Element, pairing: PairingStrategy.Roll) })
            {
                for (int trial = 0; trial < 100; trial++)
                {
                    MixPlan plan = t.CreatePlan(shape, random);
                    for (int i = 0; i < plan.BatchSize; i++)
                    {
                        int own = CountOwnPixels(plan, i);
                        Assert.That(plan.Lambdas[i], Is.EqualTo((double)own / shape.PlaneSize), $"{shape} sample {i}");
                        if (plan.Regions[i] is BoxRegion box)
                        {
                            Assert.That(box.Bottom, Is.LessThanOrEqualTo(shape.Height));
                            Assert.That(box.Right, Is.LessThanOrEqualTo(shape.Width));
                        }
                    }
                }
            }
        }
    }

    [Test]
    public void UncorrectedLambdaKeepsTheSampledValue()
    {
        var shape = new BatchShape(2, 1, 16, 16);
        MixPlan plan = new CutMix(alpha: 1, correctLambda: false).CreatePlan(shape, new MixRandom(5));
        double sampled = BetaSampler.Sample(new MixRandom(5), 1, 1);
        if (plan.Regions[0] is BoxRegion)
        {
            Assert.That(plan.Lambdas[0], Is.EqualTo(sampled));
        }
        else
        {
            Assert.That(plan.Lambdas[0], Is.EqualTo(1.0), "an empty box leaves the sample unmixed whatever was sampled");
        }
    }

    [Test]
    public void MinMaxSidesCoverTheirWholeRangeAndEveryPosition()
    {
        // 10x10 image, ratios [0.2, 0.4]: sides in {2, 3, 4}; with side 2 the top-left can be 0..8 — timm's
        // exclusive bound never reached 8.
        var shape = new BatchShape(2, 1, 10, 10);
        var t = new CutMix(minRatio: 0.2, maxRatio: 0.4);
        var random = new MixRandom(8);
        var heights = new HashSet<int>();
        var lastRowReached = false;
        for (int k = 0; k < 3000; k++)
        {
            var box = (BoxRegion)t.CreatePlan(shape, random).Regions[0];
            int h = box.Bottom - box.Top;
            heights.Add(h);
            Assert.That(h, Is.InRange(2, 4));
            Assert.That(box.Right - box.Left, Is.InRange(2, 4));
            lastRowReached |= box.Bottom == 10;
        }

        Assert.That(heights, Is.EquivalentTo(new[] { 2, 3, 4 }));
        Assert.That(lastRowReached, Is.True);
    }

    [Test]
    public void BoxCentresAreUniformOverEveryRowAndColumn()
    {
        // A 2x2 cut centred at (cy, cx) spans rows [cy - 1, cy + 1) clipped, so bottom - 1 recovers cy, including the
        // border rows where the box is clipped.
        var shape = new BatchShape(2, 1, 8, 8);
        var random = new MixRandom(44);
        var rows = new int[8];
        var cols = new int[8];
        const int n = 8000;
        for (int k = 0; k < n; k++)
        {
            var box = (BoxRegion)MixAug.Masks.BoxSampler.UniformCentredBox(shape.Spatial, 2, 2, random, true, 0.5).Region;
            rows[box.Bottom - 1]++;
            cols[box.Right - 1]++;
        }

        Assert.That(ChiSquare(rows, n / 8.0), Is.LessThan(24.32), "0.999 quantile of chi-square with 7 degrees of freedom");
        Assert.That(ChiSquare(cols, n / 8.0), Is.LessThan(24.32));
    }

    [Test]
    public void BoxPositionsPassTheTestingPackagesUniformityCheck()
    {
        var random = new MixRandom(45);
        var shape = new BatchShape(16, 1, 30, 40);
        MixStatistics.AssertBoxPositionsUniform(Enumerable.Range(0, 60).Select(_ => new CutMix(mode: LambdaMode.Element).CreatePlan(shape, random)), new MixRandom(46));
        MixStatistics.AssertBoxPositionsUniform(Enumerable.Range(0, 60).Select(_ => new CutMix(minRatio: 0.1, maxRatio: 0.7, mode: LambdaMode.Element).CreatePlan(shape, random)), new MixRandom(47));
    }

    [Test]
    public void PairModeGivesBothPartnersTheSameBox()
    {
        MixPlan plan = new CutMix(mode: LambdaMode.Pair).CreatePlan(new BatchShape(6, 1, 16, 16), new MixRandom(3));
        for (int i = 0; i < 6; i++)
        {
            Assert.That(plan.Regions[plan.Partners[i]], Is.SameAs(plan.Regions[i]));
        }
    }

    private static bool InBox(BoxRegion box, SpatialShape shape, int planeIndex)
    {
        int y = planeIndex / shape.Width;
        int x = planeIndex % shape.Width;
        return y >= box.Top && y < box.Bottom && x >= box.Left && x < box.Right;
    }

    private static double ChiSquare(int[] counts, double expected) =>
        counts.Sum(c => (c - expected) * (c - expected) / expected);

    private static int CountOwnPixels(MixPlan plan, int sample)
    {
        SpatialShape s = plan.Spatial;
        int own = 0;
        for (int e = 0; e < s.Size; e++)
        {
            bool fromPartner = plan.Regions[sample] is BoxRegion box && InBox(box, s, e);
            own += fromPartner ? 0 : 1;
        }

        return own;
    }
}
