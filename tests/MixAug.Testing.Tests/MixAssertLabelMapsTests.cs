using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Testing.Tests;

/// <summary>
/// The label-map checks pass on LabelMapMixer's output for every region kind over many seeds, and catch each planted
/// defect (made by altering a correct output) with a message that says where.
/// </summary>
public class MixAssertLabelMapsTests
{
    private const int Classes = 5;
    private const int Ignore = 255;

    private static readonly int N = DensePlans.Shape.PlaneSize;

    [Test]
    public void PassOnLabelMapMixersOutputForEveryRegionKindOverManySeeds()
    {
        var kinds = new HashSet<MixRegionKind>();
        int total = DensePlans.Shape.BatchSize * N;
        foreach ((string name, MixPlan plan) in DensePlans.EveryRegionKind(12))
        {
            kinds.UnionWith(plan.Regions.Select(r => r.Kind));
            int[] labels = DensePlans.RandomLabels(new MixRandom((ulong)name.GetHashCode(StringComparison.Ordinal)), total, Classes, Ignore);
            var hard = new int[total];
            LabelMapMixer.Mix(plan, labels, hard);
            Assert.DoesNotThrow(() => MixAssert.LabelMapsFollowPlan(plan, labels, hard), name);

            byte[] bytes = [.. labels.Select(v => (byte)v)];
            var hardBytes = new byte[total];
            LabelMapMixer.Mix(plan, bytes, hardBytes);
            Assert.DoesNotThrow(() => MixAssert.LabelMapsFollowPlan(plan, bytes, hardBytes), name);

            var soft = new float[total * Classes];
            LabelMapMixer.ToSoftTargets(plan, labels, Classes, Ignore, soft);
            Assert.DoesNotThrow(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, Classes, Ignore, soft), name);

            if (plan.MaxSourceCount == 2 || plan.Regions.All(r => r.Kind != MixRegionKind.Blend))
            {
                (int[] a, int[] b, float[] w) = Pairs(plan, labels);
                Assert.DoesNotThrow(() => MixAssert.LabelPairsFollowPlan(plan, labels, a, b, w), name);
            }
        }

        Assert.That(kinds, Is.EquivalentTo(Enum.GetValues<MixRegionKind>()), "every region kind was checked");
    }

    [Test]
    public void AHandWorkedResizedPartnerIsFollowedByTheCentreOfEachOutputElement()
    {
        // Sample 0 shows sample 1 resized from 4 × 4 to the 2 × 2 box at the top left; sample 1 is kept. Output element i
        // of a 4 → 2 axis takes source element ⌊(i + ½)·4/2⌋: 1 and 3.
        var spatial = new SpatialShape(4, 4);
        var plan = new MixPlan(spatial, [1, 1], [0.75, 1], [new ResizeRegion(spatial, 0, 0, 2, 2), MixRegion.Keep]);
        int[] labels = [.. Enumerable.Range(0, 32)]; // every element its own label: any wrong index shows
        int[] expected =
        [
            21, 23, 2, 3,
            29, 31, 6, 7,
            8, 9, 10, 11,
            12, 13, 14, 15,
            .. Enumerable.Range(16, 16),
        ];
        Assert.DoesNotThrow(() => MixAssert.LabelMapsFollowPlan(plan, labels, expected));
        var mixed = new int[32];
        LabelMapMixer.Mix(plan, labels, mixed);
        Assert.That(mixed, Is.EqualTo(expected), "LabelMapMixer agrees with the hand-worked map");

        expected[0] = 16; // ⌊i·n/m⌋ (PyTorch's legacy "nearest") instead of the centre
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.LabelMapsFollowPlan(plan, labels, expected));
        Assert.That(e!.Message, Does.Contain("Sample 0").And.Contain("pixel (y 0, x 0)").And.Contain("expected label 21").And.Contain("actual 16"));
    }

    [Test]
    public void CatchesAnOffByOneNearestIndexInResizedSources()
    {
        foreach ((string method, MixRegionKind kind) in new[] { ("ResizeMix", MixRegionKind.Resize), ("Mosaic", MixRegionKind.Mosaic) })
        {
            (MixPlan plan, int sample) = DensePlans.First(method, kind);
            int[] labels = [.. Enumerable.Range(0, plan.BatchSize * N)];
            var mixed = new int[labels.Length];
            LabelMapMixer.Mix(plan, labels, mixed);

            // Plant ⌊i·n/m⌋ for ⌊(i + ½)·n/m⌋: every element whose source element differs under the legacy rule.
            int w = plan.Spatial.Width, h = plan.Spatial.Height, planted = 0;
            for (int e = 0; e < N; e++)
            {
                int source = mixed[(sample * N) + e] / N, origin = mixed[(sample * N) + e] % N;
                (int sy, int sx) = (origin / w, origin % w);
                int legacy = (Legacy(sy, h, plan, sample, e / w, rows: true) * w) + Legacy(sx, w, plan, sample, e % w, rows: false);
                if (source != sample || kind == MixRegionKind.Mosaic)
                {
                    planted += mixed[(sample * N) + e] != (source * N) + legacy ? 1 : 0;
                    mixed[(sample * N) + e] = (source * N) + legacy;
                }
            }

            Assert.That(planted, Is.GreaterThan(0), $"{method}: the legacy rule moves some element");
            var e2 = Assert.Throws<MixInvariantException>(() => MixAssert.LabelMapsFollowPlan(plan, labels, mixed));
            Assert.That(e2!.Sample, Is.EqualTo(sample));
            Assert.That(e2.Message, Does.Contain("nearest index").Or.Contain("was not followed"), method);
        }
    }

    [Test]
    public void CatchesASwappedSourceInABox()
    {
        (MixPlan plan, int sample) = DensePlans.First("CutMix", MixRegionKind.Box);
        var box = (BoxRegion)plan.Regions[sample];
        int partner = plan.Sources(sample)[1];
        int[] labels = [.. Enumerable.Range(0, plan.BatchSize * N)];
        var mixed = new int[labels.Length];
        LabelMapMixer.Mix(plan, labels, mixed);
        int e = (box.Top * plan.Spatial.Width) + box.Left;
        Assert.That(mixed[(sample * N) + e], Is.EqualTo((partner * N) + e), "the box shows the partner");
        mixed[(sample * N) + e] = labels[(sample * N) + e]; // the sample's own label where the partner's is shown

        var x = Assert.Throws<MixInvariantException>(() => MixAssert.LabelMapsFollowPlan(plan, labels, mixed));
        Assert.That(x!.Message, Does.Contain($"pixel (y {box.Top}, x {box.Left})").And.Contain("wrong source"));
        byte[] bytes = [.. labels.Select(v => (byte)(v % 251))], mixedBytes = [.. mixed.Select(v => (byte)(v % 251))];
        Assert.Throws<MixInvariantException>(() => MixAssert.LabelMapsFollowPlan(plan, bytes, mixedBytes), "uint8 maps too");
    }

    [Test]
    public void CatchesWrongPairsAtBlendedElements()
    {
        (MixPlan plan, int sample) = DensePlans.First("SmoothMix", MixRegionKind.SoftBox);
        int[] labels = [.. Enumerable.Range(0, plan.BatchSize * N)];
        (int[] a, int[] b, float[] w) = Pairs(plan, labels);
        int blended = Enumerable.Range(sample * N, N).First(at => w[at] < 1f);

        float[] inverted = [.. w];
        inverted[blended] = 1f - w[blended];
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.LabelPairsFollowPlan(plan, labels, a, b, inverted));
        Assert.That(e!.Message, Does.Contain("expected weight of A"));

        int[] wrongB = [.. b];
        wrongB[blended] = a[blended];
        e = Assert.Throws<MixInvariantException>(() => MixAssert.LabelPairsFollowPlan(plan, labels, a, wrongB, w));
        Assert.That(e!.Message, Does.Contain("expected class B"));

        int[] swapped = [.. a];
        (swapped[blended], wrongB[blended]) = (b[blended], a[blended]);
        e = Assert.Throws<MixInvariantException>(() => MixAssert.LabelPairsFollowPlan(plan, labels, swapped, wrongB, w));
        Assert.That(e!.Message, Does.Contain("expected class A").And.Contain("wrong source"));
    }

    [Test]
    public void CatchesSoftTargetsThatIgnoreTheIgnoreIndexWrongly()
    {
        (MixPlan plan, int sample) = DensePlans.First("SmoothMix", MixRegionKind.SoftBox);
        int total = plan.BatchSize * N;
        int[] labels = DensePlans.RandomLabels(new MixRandom(3), total, Classes, null);
        var own = new float[N];
        RegionRasterizer.WriteOwnWeights(plan.Regions[sample], plan.Spatial, plan.Lambdas[sample], own);
        int partner = plan.Sources(sample)[1];
        int blended = Enumerable.Range(0, N).MinBy(e => Math.Abs(own[e] - 0.5f)); // the most blended element
        int hidden = Enumerable.Range(0, N).First(e => own[e] == 1f);
        labels[(partner * N) + blended] = Ignore;  // a blended element half ignored
        labels[(sample * N) + hidden] = Ignore;    // an element shown wholly from an ignored pixel
        var soft = new float[total * Classes];
        LabelMapMixer.ToSoftTargets(plan, labels, Classes, Ignore, soft);
        Assert.DoesNotThrow(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, Classes, Ignore, soft));

        // Not renormalised: the own class keeps its pixel weight m < 1, so the element sums to m.
        float[] unnormalised = [.. soft];
        int ownClass = labels[(sample * N) + blended];
        unnormalised[(((sample * Classes) + ownClass) * N) + blended] = own[blended];
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, Classes, Ignore, unnormalised));
        Assert.That(e!.Message, Does.Contain("sum to").And.Contain("expected 1"));

        // The ignored pixel counted as class 0.
        float[] counted = [.. soft];
        counted[(sample * Classes * N) + hidden] = 1f;
        e = Assert.Throws<MixInvariantException>(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, Classes, Ignore, counted));
        Assert.That(e!.Message, Does.Contain("expected 0").And.Contain("ignore index 255"));
    }

    [Test]
    public void CatchesSoftTargetsThatSumToOneWithTheWrongWeights()
    {
        (MixPlan plan, _) = DensePlans.First("MixUp", MixRegionKind.Blend);
        int total = plan.BatchSize * N;
        int[] labels = [.. Enumerable.Range(0, total).Select(at => at / N)]; // each sample its own class
        int sample = Enumerable.Range(0, plan.BatchSize).First(i => plan.Regions[i].Kind == MixRegionKind.Blend && plan.Lambdas[i] is > 0 and < 1 and not 0.5);
        var soft = new float[total * plan.BatchSize];
        LabelMapMixer.ToSoftTargets(plan, labels, plan.BatchSize, Ignore, soft);
        int a = sample, b = plan.Sources(sample)[1];
        int classes = plan.BatchSize, atA = (((sample * classes) + a) * N) + 7, atB = (((sample * classes) + b) * N) + 7;
        (soft[atA], soft[atB]) = (soft[atB], soft[atA]); // 1 − λ for λ

        var e = Assert.Throws<MixInvariantException>(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, classes, Ignore, soft));
        Assert.That(e!.Message, Does.Contain($"Sample {sample}").And.Contain($"class {Math.Min(a, b)}").And.Contain("expected target"));
    }

    [Test]
    public void RejectsBadArgumentsByName()
    {
        MixPlan plan = FixedPlans.Blend(DensePlans.Shape, 0.3);
        int total = plan.BatchSize * N;
        var labels = new int[total];
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.LabelMapsFollowPlan(plan, labels, new int[total - 1]))!.ParamName, Is.EqualTo("mixed"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.LabelMapsFollowPlan(plan, new int[total * 2], new int[total * 2]))!.Message, Does.Contain("no channel dimension"));
        Assert.Throws<ArgumentNullException>(() => MixAssert.LabelMapsFollowPlan(null!, labels, labels));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.LabelPairsFollowPlan(plan, labels, labels, labels, new float[total], float.NaN))!.ParamName, Is.EqualTo("tolerance"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.LabelPairsFollowPlan(plan, labels, labels, labels, new float[1]))!.ParamName, Is.EqualTo("weightA"));
        labels[3] = Classes;
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, Classes, Ignore, new float[total * Classes]));
        Assert.That(range!.ParamName, Is.EqualTo("labels"));
        Assert.That(range.Message, Does.Contain("Label 3").And.Contain("ignore index 255"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.SoftLabelMapsFollowPlan(plan, labels, 0, Ignore, []))!.ParamName, Is.EqualTo("classCount"));

        MixPlan three = DensePlans.EveryRegionKind(1).Single(p => p.Name.StartsWith("three", StringComparison.Ordinal)).Plan;
        var pairs = Assert.Throws<ArgumentException>(() => MixAssert.LabelPairsFollowPlan(three, new int[total], new int[total], new int[total], new float[total]));
        Assert.That(pairs!.ParamName, Is.EqualTo("plan"));
        Assert.That(pairs.Message, Does.Contain("blends 3 sources"));
    }

    private static (int[] A, int[] B, float[] W) Pairs(MixPlan plan, int[] labels)
    {
        var a = new int[labels.Length];
        var b = new int[labels.Length];
        var w = new float[labels.Length];
        LabelMapMixer.ToPairs(plan, labels, a, b, w);
        return (a, b, w);
    }

    /// <summary>The legacy nearest index ⌊i·n/m⌋ of output coordinate <paramref name="output"/> along one axis of a resized source.</summary>
    private static int Legacy(int centred, int size, MixPlan plan, int sample, int output, bool rows)
    {
        switch (plan.Regions[sample])
        {
            case ResizeRegion r:
                int first = rows ? r.Top : r.Left, extent = rows ? r.Bottom - r.Top : r.Right - r.Left;
                int i = output - first;
                return i >= 0 && i < extent ? (int)((long)i * size / extent) : centred;
            case MosaicRegion m:
                int tile = rows ? m.TileHeight : m.TileWidth, centre = rows ? m.CentreY : m.CentreX;
                int t = output < centre ? output + tile - centre : output - centre;
                return (int)((long)t * size / tile);
            default:
                return centred;
        }
    }
}
