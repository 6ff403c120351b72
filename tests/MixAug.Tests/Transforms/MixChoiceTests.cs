using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

public class MixChoiceTests
{
    [Test]
    public void RejectsEmptyNegativeOrAllZeroWeights()
    {
        Assert.Throws<ArgumentException>(() => _ = new MixChoice());
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MixChoice((new MixUp(), -1)))!.Message, Does.Contain("-1"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MixChoice((new MixUp(), 0), (new CutMix(), 0)))!.Message, Does.Contain("All 2 weights are 0"));
        Assert.Throws<ArgumentException>(() => _ = new MixChoice((new MixUp(), double.NaN)));
        Assert.Throws<ArgumentNullException>(() => _ = new MixChoice((null!, 1)));
    }

    [Test]
    public void ChoosesWithTheGivenWeights()
    {
        var choice = new MixChoice((new MixUp(), 1), (new CutMix(), 3));
        Assert.That(choice.Probabilities, Is.EqualTo(new[] { 0.25, 0.75 }).Within(1e-12));
        var random = new MixRandom(12);
        int cutmix = 0;
        for (int k = 0; k < 8000; k++)
        {
            cutmix += choice.CreatePlan(new BatchShape(2, 1, 8, 8), random).TransformName == "CutMix" ? 1 : 0;
        }

        // Binomial(8000, 0.75): sd 38.7.
        Assert.That(cutmix, Is.InRange(6000 - 200, 6000 + 200));
    }

    [Test]
    public void ZeroWeightIsNeverChosen()
    {
        var choice = new MixChoice((new MixUp(), 0), (new CutMix(), 1));
        var random = new MixRandom(1);
        for (int k = 0; k < 500; k++)
        {
            Assert.That(choice.CreatePlan(new BatchShape(2, 1, 8, 8), random).TransformName, Is.EqualTo("CutMix"));
        }
    }

    [Test]
    public void BindingReachesASaliencyMixInsideTheChoice()
    {
        var shape = new BatchShape(4, 1, 16, 16);
        var pixels = new float[shape.ElementCount];
        var plain = new MixChoice((new MixUp(), 1), (new CutMix(), 1));
        var withSaliency = new MixChoice((new MixUp(), 0), (new SaliencyMix(), 1));
        Assert.That(plain.NeedsBatch, Is.False);
        Assert.That(withSaliency.NeedsBatch, Is.True);
        Assert.Throws<InvalidOperationException>(() => withSaliency.CreatePlan(shape, new MixRandom(1)));
        MixPlan plan = withSaliency.Bind(pixels).CreatePlan(shape, new MixRandom(1));
        Assert.That(plan.TransformName, Is.EqualTo("SaliencyMix"));
    }
}
