using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class TransplantationTests
{
    [Test]
    public void EachSampleReceivesEveryPixelOfOneDrawnClassOfItsRollDonor()
    {
        // Kornia's layout: sample i receives from donor (i - 1) mod B. Maps of 3 samples of 2x3, classes 0..2.
        int[] maps =
        [
            0, 0, 1, 1, 2, 0,
            2, 2, 2, 0, 1, 0,
            1, 0, 0, 0, 0, 1,
        ];
        var shape = new BatchShape(3, 1, 2, 3);
        for (ulong seed = 0; seed < 40; seed++)
        {
            MixPlan plan = Plan(new Transplantation(), shape, maps, seed);
            Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 2, 0, 1 }));

            // Replay: per sample in order, one uniform draw among the donor's classes, ascending.
            var replay = new MixRandom(seed);
            for (int i = 0; i < 3; i++)
            {
                int donor = (i + 2) % 3;
                int[] classes = [.. maps.Skip(donor * 6).Take(6).Distinct().Order()];
                int chosen = classes[replay.NextInt(classes.Length)];
                float[] expectedWeights = [.. maps.Skip(donor * 6).Take(6).Select(c => c == chosen ? 0f : 1f)];
                var mask = (MaskRegion)plan.Regions[i];
                Assert.That(mask.Weights.ToArray(), Is.EqualTo(expectedWeights), $"seed {seed}, sample {i}");
                Assert.That(plan.Lambdas[i], Is.EqualTo(expectedWeights.Count(w => w == 1f) / 6.0), $"seed {seed}, sample {i}");
            }
        }
    }

    [Test]
    public void PixelsAndClassMapsFollowTheSamePlanExactlyOverManySeeds()
    {
        var random = new Random(7);
        for (int trial = 0; trial < 200; trial++)
        {
            int b = random.Next(1, 8), h = random.Next(1, 9), w = random.Next(1, 9), k = random.Next(1, 5), channels = random.Next(1, 4);
            var shape = new BatchShape(b, channels, h, w);
            int[] maps = [.. Enumerable.Range(0, b * h * w).Select(_ => random.Next(k))];
            float[] pixels = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (float)random.NextDouble())];
            var t = new Transplantation(excludedClasses: trial % 2 == 0 ? [0] : null, pairing: trial % 3 == 0 ? PairingStrategy.Permutation : PairingStrategy.Roll);
            MixPlan plan = Plan(t, shape, maps, (ulong)trial);

            var mixed = new float[pixels.Length];
            CpuMixer.Apply(plan, pixels, mixed);
            var mixedMaps = new int[maps.Length];
            LabelMapMixer.Mix(plan, maps, mixedMaps);
            int plane = h * w;
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                int[] pasted = [.. Enumerable.Range(0, plane).Where(e => plan.Regions[i] is MaskRegion m && m.Weights[e] == 0f)];
                if (pasted.Length > 0)
                {
                    // One class, all of its pixels, never an excluded one.
                    int[] classes = [.. pasted.Select(e => maps[(p * plane) + e]).Distinct()];
                    Assert.That(classes, Has.Length.EqualTo(1), $"trial {trial}, sample {i}");
                    Assert.That(Enumerable.Range(0, plane).Count(e => maps[(p * plane) + e] == classes[0]), Is.EqualTo(pasted.Length));
                    Assert.That(trial % 2 == 0 && classes[0] == 0, Is.False, "an excluded class was pasted");
                }

                Assert.That(plan.Lambdas[i], Is.EqualTo((double)(plane - pasted.Length) / plane), $"trial {trial}, sample {i}");
                for (int e = 0; e < plane; e++)
                {
                    bool fromPartner = pasted.Contains(e);
                    int source = fromPartner ? p : i;
                    Assert.That(mixedMaps[(i * plane) + e], Is.EqualTo(maps[(source * plane) + e]), $"trial {trial}, map of sample {i}, element {e}");
                    for (int c = 0; c < channels; c++)
                    {
                        Assert.That(mixed[(((i * channels) + c) * plane) + e], Is.EqualTo(pixels[(((source * channels) + c) * plane) + e]), $"trial {trial}, pixel of sample {i}");
                    }
                }
            }
        }
    }

    [Test]
    public void SequencesAndVolumesTransplantTheirDonorsClassElementsToo()
    {
        foreach (BatchShape shape in new[] { BatchShape.Sequence(3, 2, 7), BatchShape.Volume(2, 1, 3, 2, 4) })
        {
            int size = shape.Spatial.Size;
            int[] maps = [.. Enumerable.Range(0, shape.BatchSize * size).Select(i => (i * 5 / 3) % 3)];
            float[] pixels = [.. Enumerable.Range(0, shape.ElementCount).Select(i => (float)i)];
            MixPlan plan = Plan(new Transplantation(), shape, maps, 9);
            var mixed = new float[pixels.Length];
            CpuMixer.Apply(plan, pixels, mixed);
            for (int i = 0; i < shape.BatchSize; i++)
            {
                var mask = (MaskRegion)plan.Regions[i];
                int p = plan.Partners[i];
                for (int c = 0; c < shape.Channels; c++)
                {
                    for (int e = 0; e < size; e++)
                    {
                        int source = mask.Weights[e] == 0f ? p : i;
                        Assert.That(mixed[(((i * shape.Channels) + c) * size) + e], Is.EqualTo(pixels[(((source * shape.Channels) + c) * size) + e]), $"{shape}, sample {i}");
                    }
                }
            }
        }
    }

    [Test]
    public void ADonorWithOnlyExcludedClassesLeavesItsSampleUnmixedAndTheOthersKeepTheirOwnDonors()
    {
        // Donor of sample 1 (sample 0) is all background; Kornia would then give sample 2 the label drawn for sample 1's
        // donor. Here sample 2 must receive a class of its own donor, sample 1 (classes 5 and 6).
        int[] maps = [0, 0, 0, 0, 5, 5, 6, 0, 7, 7, 7, 7];
        MixPlan plan = Plan(new Transplantation(excludedClasses: [0]), new BatchShape(3, 1, 2, 2), maps, 3);
        Assert.That(plan.Regions[1], Is.SameAs(MixRegion.Keep));
        Assert.That(plan.Lambdas[1], Is.EqualTo(1.0));
        var mask = (MaskRegion)plan.Regions[2];
        int[] pastedClasses = [.. Enumerable.Range(0, 4).Where(e => mask.Weights[e] == 0f).Select(e => maps[4 + e]).Distinct()];
        Assert.That(pastedClasses, Has.Length.EqualTo(1));
        Assert.That(new[] { 5, 6 }, Does.Contain(pastedClasses[0]));
    }

    [Test]
    public void ProbabilityZeroAndABatchOfOneMixNothing()
    {
        int[] maps = [1, 2, 3, 4];
        MixPlan none = Plan(new Transplantation(probability: 0), new BatchShape(2, 1, 1, 2), maps, 1);
        Assert.That(none.Lambdas.ToArray(), Is.EqualTo(new[] { 1.0, 1.0 }));
        MixPlan single = Plan(new Transplantation(), new BatchShape(1, 1, 2, 2), maps, 1);
        Assert.That(single.Partners.ToArray(), Is.EqualTo(new[] { 0 }));
        Assert.That(single.Regions[0], Is.SameAs(MixRegion.Keep));
    }

    [Test]
    public void PlansRoundTripThroughJsonWithoutTheMaps()
    {
        int[] maps = [.. Enumerable.Range(0, 4 * 9).Select(i => (i * 7) % 3)];
        MixPlan plan = Plan(new Transplantation(), new BatchShape(4, 1, 3, 3), maps, 11);
        MixPlan back = MixPlanJson.Parse(MixPlanJson.Serialize(plan));
        var pixels = Enumerable.Range(0, 36).Select(i => (float)i).ToArray();
        float[] a = new float[36], b = new float[36];
        CpuMixer.Apply(plan, pixels, a);
        CpuMixer.Apply(back, pixels, b);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
    }

    [Test]
    public void WithoutClassMapsThePlanIsRefusedSayingWhatToPass()
    {
        var t = new Transplantation();
        var shape = new BatchShape(2, 1, 2, 2);
        var e = Assert.Throws<ArgumentException>(() => t.CreatePlan(new MixRequest(shape, new MixRandom(1))));
        Assert.That(e!.ParamName, Is.EqualTo("request"));
        Assert.That(e.Message, Does.Contain("Transplantation").And.Contain("class maps"));
        var viaShape = Assert.Throws<ArgumentException>(() => t.CreatePlan(shape, new MixRandom(1)));
        Assert.That(viaShape!.ParamName, Is.EqualTo("transform"));
        Assert.That(viaShape.Message, Does.Contain("class maps"));
        var viaPixels = Assert.Throws<ArgumentException>(() => t.CreatePlan(shape, new float[8], new MixRandom(1)));
        Assert.That(viaPixels!.ParamName, Is.EqualTo("transform"));
        Assert.That(viaPixels.Message, Does.Contain("class maps"));
        Assert.That(t.Requirements.ClassMaps, Is.True);
        Assert.That(t.Requirements.ToString(), Is.EqualTo("class maps"));
    }

    [Test]
    public void ClassMapsForAnotherBatchAndMalformedMapsAreRefusedByName()
    {
        var maps = new ClassMaps(new SpatialShape(2, 2), [0, 1, 2, 3]);
        var e = Assert.Throws<ArgumentException>(() => _ = new MixRequest(new BatchShape(2, 1, 2, 2), new MixRandom(1), new BatchFeatures([], maps)));
        Assert.That(e!.ParamName, Is.EqualTo("features"));
        Assert.That(e.Message, Does.Contain("1 samples of 2x2").Or.Contain("1 samples of"));

        var odd = Assert.Throws<ArgumentException>(() => _ = new ClassMaps(new SpatialShape(2, 2), [0, 1, 2]));
        Assert.That(odd!.ParamName, Is.EqualTo("classes"));
        Assert.That(odd.Message, Does.Contain("3 values").And.Contain("4 elements"));
        var wide = Assert.Throws<ArgumentException>(() => _ = new ClassMaps(new SpatialShape(1, 1), [long.MaxValue]));
        Assert.That(wide!.ParamName, Is.EqualTo("classes"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ClassMaps(default, [1]))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = maps.Of(1))!.ParamName, Is.EqualTo("sample"));
        Assert.That(new ClassMaps(new SpatialShape(1, 2), [3L, -4L]).Of(0).ToArray(), Is.EqualTo(new[] { 3, -4 }));
    }

    private static MixPlan Plan(Transplantation t, BatchShape shape, int[] maps, ulong seed) =>
        t.CreatePlan(new MixRequest(shape, new MixRandom(seed), new BatchFeatures([], new ClassMaps(shape.Spatial, maps))));
}
