using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Tests.Labels;

public class MultiLabelMixerTests
{
    [Test]
    public void HandWorkedWeightedAndUnion()
    {
        // Sample 0 takes 0.75 of itself and 0.25 of sample 1; sample 1 is kept; sample 2 blends 0.5/0.3/0.2 of 2, 0, 1.
        var plan = new MixPlan(new SpatialShape(2, 2),
        [
            new SampleRecipe([0, 1], [0.75, 0.25], MixRegion.Blend),
            SampleRecipe.Unmixed(1),
            new SampleRecipe([2, 0, 1], [0.5, 0.3, 0.2], MixRegion.Blend),
        ]);
        float[] labels =
        [
            1, 1, 0, 0,
            0, 1, 1, 0,
            0, 0, 0, 0.5f,
        ];
        Assert.That(MultiLabelMixer.ToTargets(plan, labels, 4), Is.EqualTo(new[]
        {
            0.75f, 1f, 0.25f, 0f,
            0f, 1f, 1f, 0f,
            0.3f, 0.5f, 0.2f, 0.25f,
        }).Within(1e-7f));
        Assert.That(MultiLabelMixer.ToTargets(plan, labels, 4, MultiLabelMode.Union), Is.EqualTo(new[]
        {
            1f, 1f, 1f, 0f,
            0f, 1f, 1f, 0f, // sample 1 is kept: its partner (weight 0) adds nothing
            1f, 1f, 1f, 0.5f,
        }));
    }

    [Test]
    public void WeightedOneHotRowsAreLabelMixersTargetsAndUnionBoundsThemOverManyPlans()
    {
        var shape = new BatchShape(7, 1, 8, 8);
        var policy = new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element, probability: 0.7), 1));
        for (ulong seed = 0; seed < 100; seed++)
        {
            var random = new MixRandom(seed);
            MixPlan plan = policy.CreatePlan(shape, random);
            int[] classes = [.. Enumerable.Range(0, 7).Select(_ => random.NextInt(5))];
            float[] oneHot = new float[7 * 5];
            for (int i = 0; i < 7; i++)
            {
                oneHot[(i * 5) + classes[i]] = 1f;
            }

            Assert.That(MultiLabelMixer.ToTargets(plan, oneHot, 5), Is.EqualTo(LabelMixer.ToSoftTargets(plan, classes, 5)).Within(1e-7f), $"seed {seed}");

            float[] multiHot = [.. Enumerable.Range(0, 7 * 5).Select(_ => (float)random.NextInt(2))];
            float[] weighted = MultiLabelMixer.ToTargets(plan, multiHot, 5);
            float[] union = MultiLabelMixer.ToTargets(plan, multiHot, 5, MultiLabelMode.Union);
            for (int e = 0; e < weighted.Length; e++)
            {
                Assert.That(union[e], Is.EqualTo(0f).Or.EqualTo(1f), $"seed {seed}: union of multi-hot rows is multi-hot");
                Assert.That(weighted[e], Is.InRange(0f, union[e] + 1e-7f), $"seed {seed}: weighted never exceeds union");
                Assert.That(weighted[e] > 0, Is.EqualTo(union[e] > 0), $"seed {seed}: the same labels are present");
            }
        }
    }

    [Test]
    public void BadInputIsRejectedByName()
    {
        MixPlan plan = new MixUp().CreatePlan(new BatchShape(2, 1, 2, 2), new MixRandom(1));
        var destination = new float[4];
        var ex = Assert.Throws<ArgumentException>(() => MultiLabelMixer.ToTargets(plan, [0, 1, 2, 0], 2, MultiLabelMode.Union, destination));
        Assert.That((ex!.ParamName, ex.Message), Is.EqualTo(("labels", "Label value 2 (sample 1, class 0) is 2; multi-label values must lie in [0, 1]. (Parameter 'labels')")));
        Assert.That(destination, Is.All.EqualTo(0f));
        Assert.That(Assert.Throws<ArgumentException>(() => MultiLabelMixer.ToTargets(plan, [0, 1, 1], 2))!.ParamName, Is.EqualTo("labels"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MultiLabelMixer.ToTargets(plan, [0, 1, 1, 0], 2, (MultiLabelMode)7))!.ParamName, Is.EqualTo("mode"));
    }
}
