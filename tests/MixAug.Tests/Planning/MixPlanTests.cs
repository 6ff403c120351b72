using MixAug.Planning;

namespace MixAug.Tests.Planning;

public class MixPlanTests
{
    private static readonly BatchShape Shape = new(3, 1, 4, 4);

    [Test]
    public void ValidPlanExposesItsData()
    {
        var plan = new MixPlan(Shape, [1, 2, 0], [0.25, 0.5, 0.75], [MixRegion.Blend, new BoxRegion(0, 0, 2, 4), MixRegion.Blend]);
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(plan.MixedCount, Is.EqualTo(3));
        Assert.That(plan.MeasureOwnShare(1), Is.EqualTo(0.5));
        Assert.That(plan.CycleOrder, Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(plan.CycleStarts, Is.EqualTo(new[] { 0, 3 }));
        Assert.That(plan.SelfWeights, Is.EqualTo(new[] { 0.25f, 0.5f, 0.75f }));
        Assert.That(plan.PartnerWeights, Is.EqualTo(new[] { 0.75f, 0.5f, 0.25f }));
    }

    [Test]
    public void CyclesFollowPartners()
    {
        var shape = new BatchShape(6, 1, 1, 1);
        var plan = new MixPlan(shape, [3, 2, 1, 4, 0, 5], [0.5, 0.5, 0.5, 0.5, 0.5, 1], [.. Enumerable.Repeat<MixRegion>(MixRegion.Blend, 5), MixRegion.Keep]);
        Assert.That(plan.CycleOrder, Is.EqualTo(new[] { 0, 3, 4, 1, 2, 5 }));
        Assert.That(plan.CycleStarts, Is.EqualTo(new[] { 0, 3, 5, 6 }));
    }

    [Test]
    public void RejectsCountsThatDifferFromTheBatch()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 0], [0.5, 0.5], [MixRegion.Blend, MixRegion.Blend]));
        Assert.That(e!.ParamName, Is.EqualTo("partners"));
        Assert.That(e.Message, Does.Contain("2 elements").And.Contain("3"));
    }

    [Test]
    public void RejectsPartnersOutOfRange()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 3, 0], [0.5, 0.5, 0.5], Blends(3)));
        Assert.That(e!.Message, Does.Contain("Sample 1 has partner 3"));
    }

    [Test]
    public void RejectsPartnersThatAreNotAPermutation()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 1, 0], [0.5, 0.5, 0.5], Blends(3)));
        Assert.That(e!.Message, Does.Contain("Sample 1 has partner 1").And.Contain("permutation"));
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void RejectsLambdasOutsideTheUnitInterval(double lambda)
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 2, 0], [0.5, lambda, 0.5], Blends(3)));
        Assert.That(e!.ParamName, Is.EqualTo("lambdas"));
        Assert.That(e.Message, Does.Contain("Sample 1"));
    }

    [Test]
    public void RejectsBoxesOutsideThePlane()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, new BoxRegion(0, 0, 5, 2), MixRegion.Blend]));
        Assert.That(e!.Message, Does.Contain("sample 1").And.Contain("4x4"));
    }

    [Test]
    public void RejectsMasksOfTheWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, new MaskRegion(new float[15]), MixRegion.Blend]));
        Assert.That(e!.Message, Does.Contain("15 weights").And.Contain("16"));
    }

    [Test]
    public void RejectsSelfPairedSamplesThatClaimToBeMixed()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [0, 2, 1], [0.5, 0.5, 0.5], Blends(3)));
        Assert.That(e!.Message, Does.Contain("Sample 0 is paired with 0"));
        Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Keep, MixRegion.Blend, MixRegion.Blend]));
    }

    [Test]
    public void RejectsNullRegions()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new MixPlan(Shape, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, null!, MixRegion.Blend]));
    }

    [Test]
    public void MaskRegionValidatesAndCopiesItsWeights()
    {
        float[] weights = [0, 1, 0.5f, 1];
        var mask = new MaskRegion(weights);
        weights[0] = 1;
        Assert.That(mask.Weights[0], Is.Zero);
        Assert.That(mask.Mean, Is.EqualTo(0.625));
        var e = Assert.Throws<ArgumentException>(() => _ = new MaskRegion([0, 1.5f]));
        Assert.That(e!.Message, Does.Contain("weight 1 is 1.5"));
        Assert.Throws<ArgumentException>(() => _ = new MaskRegion([float.NaN]));
        Assert.Throws<ArgumentException>(() => _ = new MaskRegion([]));
    }

    [Test]
    public void BoxRegionRejectsEmptyOrReversedBoxes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BoxRegion(2, 0, 2, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BoxRegion(0, 3, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new BoxRegion(-1, 0, 2, 1));
        Assert.That(new BoxRegion(1, 1, 3, 4).Area, Is.EqualTo(6));
    }

    private static MixRegion[] Blends(int n) => [.. Enumerable.Repeat<MixRegion>(MixRegion.Blend, n)];
}
