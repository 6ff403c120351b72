using MixAug.Labels;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Transforms;

namespace MixAug.Tests.Labels;

public class LabelMixerTests
{
    private static readonly BatchShape Shape = new(3, 1, 2, 2);

    // Sample 0 mixes 0.75 of itself with sample 2, sample 1 is kept, sample 2 takes 0.25 of itself and 0.75 of 0.
    private static MixPlan SmallPlan() =>
        new(Shape.Spatial, [2, 1, 0], [0.75, 1.0, 0.25], [MixRegion.Blend, MixRegion.Keep, MixRegion.Blend]);

    [Test]
    public void HandWorkedTargetsWithoutSmoothing()
    {
        float[] t = LabelMixer.ToSoftTargets(SmallPlan(), [0, 1, 3], classCount: 4);
        Assert.That(t, Is.EqualTo(new float[]
        {
            0.75f, 0, 0, 0.25f,
            0, 1, 0, 0,
            0.75f, 0, 0, 0.25f,
        }));
    }

    [Test]
    public void HandWorkedTargetsWithSmoothing()
    {
        // K = 4, eps = 0.2: off = 0.05, on = 0.85. Sample 0: class 0 gets 0.75*0.85 + 0.25*0.05 = 0.65,
        // class 3 gets 0.75*0.05 + 0.25*0.85 = 0.25, the others 0.05. Sample 2 (class 3, lambda 0.25, partner of
        // class 0) gets the same numbers: 0.25*0.85 + 0.75*0.05 = 0.25 for class 3 and 0.65 for class 0.
        float[] t = LabelMixer.ToSoftTargets(SmallPlan(), [0, 1, 3], classCount: 4, smoothing: 0.2);
        Assert.That(t, Is.EqualTo(new[]
        {
            0.65f, 0.05f, 0.05f, 0.25f,
            0.05f, 0.85f, 0.05f, 0.05f,
            0.65f, 0.05f, 0.05f, 0.25f,
        }).Within(1e-7f));
    }

    [Test]
    public void TimmOnAndOffValues()
    {
        // timm: K = 1000, smoothing 0.1 gives on = 0.9001, off = 0.0001.
        var plan = new MixPlan(new BatchShape(1, 1, 1, 1).Spatial, [0], [1.0], [MixRegion.Keep]);
        float[] t = LabelMixer.ToSoftTargets(plan, [7], classCount: 1000, smoothing: 0.1);
        Assert.That(t[7], Is.EqualTo(0.9001f));
        Assert.That(t[0], Is.EqualTo(0.0001f));
    }

    [Test]
    public void SameClassPartnersGiveTheSmoothedOneHot()
    {
        var plan = new MixPlan(new BatchShape(2, 1, 1, 1).Spatial, [1, 0], [0.3, 0.3], [MixRegion.Blend, MixRegion.Blend]);
        float[] t = LabelMixer.ToSoftTargets(plan, [2, 2], classCount: 3, smoothing: 0.3);
        Assert.That(t, Is.EqualTo(new[] { 0.1f, 0.1f, 0.8f, 0.1f, 0.1f, 0.8f }).Within(1e-7f));
    }

    [Test]
    public void ClassCountOneIsLegal()
    {
        float[] t = LabelMixer.ToSoftTargets(SmallPlan(), [0, 0, 0], classCount: 1, smoothing: 0.1);
        Assert.That(t, Is.EqualTo(new[] { 1f, 1f, 1f }));
    }

    [Test]
    public void RowsSumToOneWithAtMostTwoNonZerosOverManyPlans()
    {
        var random = new MixRandom(77);
        var transform = new MixChoice((new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation), 1), (new CutMix(mode: LambdaMode.Element, probability: 0.5), 1));
        for (int k = 0; k < 200; k++)
        {
            var shape = new BatchShape(1 + random.NextInt(9), 1, 8, 8);
            MixPlan plan = transform.CreatePlan(shape, random);
            int[] labels = Enumerable.Range(0, shape.BatchSize).Select(_ => random.NextInt(10)).ToArray();
            float[] t = LabelMixer.ToSoftTargets(plan, labels, 10);
            MixAssert.TargetsFollowPlan(plan, labels, 10, t);
            for (int i = 0; i < shape.BatchSize; i++)
            {
                Assert.That(t.Skip(i * 10).Take(10).Count(v => v != 0), Is.LessThanOrEqualTo(2));
            }

            float[] smoothed = LabelMixer.ToSoftTargets(plan, labels, 10, 0.1);
            MixAssert.TargetsFollowPlan(plan, labels, 10, smoothed, 0.1);
        }
    }

    [Test]
    public void SoftLabelsMixAndSmooth()
    {
        float[] soft = [0.5f, 0.5f, 0, 0, 1, 0, 0, 0, 1];
        float[] t = LabelMixer.ToSoftTargets(SmallPlan(), soft, classCount: 3, smoothing: 0.3);
        // Sample 0: 0.75*[0.5,0.5,0] + 0.25*[0,0,1] = [0.375, 0.375, 0.25]; smoothed: 0.7*x + 0.1.
        Assert.That(t.Take(3), Is.EqualTo(new[] { 0.3625f, 0.3625f, 0.275f }).Within(1e-7f));
        Assert.That(t.Skip(3).Take(3), Is.EqualTo(new[] { 0.1f, 0.8f, 0.1f }).Within(1e-7f));
    }

    [Test]
    public void SoftOneHotLabelsGiveTheSameTargetsAsIndices()
    {
        int[] labels = [0, 1, 3];
        float[] oneHot = new float[12];
        for (int i = 0; i < 3; i++)
        {
            oneHot[(i * 4) + labels[i]] = 1;
        }

        Assert.That(LabelMixer.ToSoftTargets(SmallPlan(), oneHot, 4, 0.1), Is.EqualTo(LabelMixer.ToSoftTargets(SmallPlan(), labels, 4, 0.1)).Within(1e-7f));
    }

    [Test]
    public void CompactTargetsMatchDenseOnes()
    {
        MixedTargets c = LabelMixer.ToCompact(SmallPlan(), [0, 1, 3], 4);
        Assert.That(c.IndexA.ToArray(), Is.EqualTo(new[] { 0, 1, 3 }));
        Assert.That(c.IndexB.ToArray(), Is.EqualTo(new[] { 3, 1, 0 }));
        Assert.That(c.Lambda.ToArray(), Is.EqualTo(new[] { 0.75f, 1f, 0.25f }));
        float[] dense = LabelMixer.ToSoftTargets(SmallPlan(), [0, 1, 3], 4);
        for (int i = 0; i < 3; i++)
        {
            var rebuilt = new float[4];
            rebuilt[c.IndexA[i]] += c.Lambda[i];
            rebuilt[c.IndexB[i]] += 1 - c.Lambda[i];
            Assert.That(rebuilt, Is.EqualTo(dense.Skip(i * 4).Take(4)).Within(1e-7f));
        }
    }

    [Test]
    public void RejectsLabelCountMismatch()
    {
        var e = Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 1], 4));
        Assert.That(e!.Message, Does.Contain("2 != 3"));
        Assert.That(e.ParamName, Is.EqualTo("labels"));
    }

    [TestCase(-1)]
    [TestCase(4)]
    public void RejectsLabelsOutOfRange(int label)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, label, 1], 4));
        Assert.That(e!.Message, Does.Contain($"Label 1 is {label}").And.Contain("[0, 4)"));
    }

    [Test]
    public void RejectsBadClassCountAndSmoothing()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 0, 0], 0))!.ParamName, Is.EqualTo("classCount"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 0, 0], 2, -0.1))!.ParamName, Is.EqualTo("smoothing"));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 0, 0], 2, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 0, 0], 2, double.NaN));
    }

    [Test]
    public void RejectsSoftRowsThatAreNotDistributionsWithoutWriting()
    {
        var destination = Enumerable.Repeat(-7f, 9).ToArray();
        var e = Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0.5f, 0.6f, 0, 0, 1, 0, 0, 0, 1], 3, 0, destination));
        Assert.That(e!.Message, Does.Contain("row 0 sums to"));
        Assert.That(destination, Has.All.EqualTo(-7f));
        Assert.That(Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [1.5f, -0.5f, 0, 0, 1, 0, 0, 0, 1], 3))!.Message, Does.Contain("class 1 is -0.5"));
        Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [float.NaN, 1, 0, 0, 1, 0, 0, 0, 1], 3));
        Assert.That(Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), new float[8], 3))!.Message, Does.Contain("8 entries"));
    }

    [Test]
    public void RejectsWrongDestinationLengthWithoutWriting()
    {
        var destination = Enumerable.Repeat(-7f, 11).ToArray();
        var e = Assert.Throws<ArgumentException>(() => LabelMixer.ToSoftTargets(SmallPlan(), [0, 1, 3], 4, 0, destination));
        Assert.That(e!.Message, Does.Contain("11 elements").And.Contain("3 rows of 4 classes"));
        Assert.That(destination, Has.All.EqualTo(-7f));
    }

    [Test]
    public void RejectsHugeDenseTargetsAndPointsToTheCompactForm()
    {
        var plan = new MixPlan(new BatchShape(1024, 1, 1, 1).Spatial, Enumerable.Range(0, 1024).ToArray(), Enumerable.Repeat(1.0, 1024).ToArray(), Enumerable.Repeat<MixRegion>(MixRegion.Keep, 1024).ToArray());
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => LabelMixer.ToSoftTargets(plan, new int[1024], 1_000_000));
        Assert.That(e!.Message, Does.Contain("ToCompact"));
    }
}
