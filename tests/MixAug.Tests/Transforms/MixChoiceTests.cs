using MixAug.Cpu;
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
    public void RequirementsReachASaliencyMixInsideTheChoice()
    {
        var shape = new BatchShape(4, 1, 16, 16);
        var pixels = new float[shape.ElementCount];
        var plain = new MixChoice((new MixUp(), 1), (new CutMix(), 1));
        var masks = new SaliencyMix(region: SaliencyRegion.Mask);
        var withSaliency = new MixChoice((new MixUp(), 0), (new SaliencyMix(), 1), (masks, 0));
        Assert.That(plain.Requirements.IsEmpty, Is.True);
        Assert.That(withSaliency.Requirements.Saliency, Has.Count.EqualTo(1), "one computation for one source");
        Assert.That(withSaliency.Requirements.Saliency[0].Detail, Is.EqualTo(SaliencyDetail.Maps), "the larger detail of the two");
        Assert.Throws<ArgumentException>(() => withSaliency.CreatePlan(shape, new MixRandom(1)));
        MixPlan plan = withSaliency.CreatePlan(shape, pixels, new MixRandom(1));
        Assert.That(plan.TransformName, Is.EqualTo("SaliencyMix"));
    }

    [Test]
    public void WeightsWhoseSumOverflowsAreRejected()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixChoice((new MixUp(), 1e308), (new CutMix(), 1e308)));
        Assert.That(e!.ParamName, Is.EqualTo("choices"));
        Assert.That(e.Message, Does.Contain("sum past"));
    }
}
