using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Tests.Planning;

public class MixPlanTests
{
    private static readonly BatchShape Shape = new(3, 1, 4, 4);

    [Test]
    public void ValidPlanExposesItsData()
    {
        var plan = new MixPlan(Shape.Spatial, [1, 2, 0], [0.25, 0.5, 0.75], [MixRegion.Blend, new BoxRegion(0, 0, 2, 4), MixRegion.Blend]);
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(plan.MixedCount, Is.EqualTo(3));
        Assert.That(plan.MeasureOwnShare(1), Is.EqualTo(0.5));
        Assert.That(plan.IsPairwise, Is.True);
        Assert.That(plan.BatchSize, Is.EqualTo(3));
        Assert.That(plan.Spatial, Is.EqualTo(new SpatialShape(4, 4)));
        Assert.That(plan.Sources(1).ToArray(), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(plan.Weights(2).ToArray(), Is.EqualTo(new[] { 0.75, 1 - 0.75 }));
        Assert.That(plan.IsUniform, Is.False);
    }

    [Test]
    public void RecipesWithSeveralSourcesKeepTheirWeights()
    {
        // Sample 0 tiles two partners over itself; sample 1 blends three sources; sample 2 is kept with one source.
        var tiles = new TileRegion([new Tile(1, 0, 0, 2, 2), new Tile(2, 2, 2, 4, 4)]);
        SampleRecipe[] samples =
        [
            new([0, 1, 2], [0.5, 0.25, 0.25], tiles),
            new([1, 0, 2], [0.5, 0.3, 0.2], MixRegion.Blend),
            SampleRecipe.Unmixed(2),
        ];
        var plan = new MixPlan(Shape.Spatial, samples, "Custom");
        Assert.That(plan.IsPairwise, Is.False);
        Assert.That(plan.MaxSourceCount, Is.EqualTo(3));
        Assert.That(plan.Sources(0).ToArray(), Is.EqualTo(new[] { 0, 1, 2 }));
        Assert.That(plan.Weights(1).ToArray(), Is.EqualTo(new[] { 0.5, 0.3, 0.2 }));
        Assert.That(plan.Lambdas.ToArray(), Is.EqualTo(new[] { 0.5, 0.5, 1.0 }));
        var shares = new double[3];
        plan.MeasureShares(0, shares);
        Assert.That(shares, Is.EqualTo(new[] { 0.5, 0.25, 0.25 }), "8 of 16 own elements, 4 from each partner");
        var e = Assert.Throws<InvalidOperationException>(() => _ = plan.Partners.Length);
        Assert.That(e!.Message, Does.Contain("not pairwise").And.Contain("Sources(sample)"));
    }

    [Test]
    public void RecipesAreValidated()
    {
        var tiles = new TileRegion([new Tile(2, 0, 0, 2, 2)]);
        Assert.That(
            Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [new([1, 0], [0.5, 0.5], MixRegion.Blend), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]))!.Message,
            Does.Contain("first source must be the sample itself"));
        Assert.That(
            Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [new([0, 1], [0.5, 0.4], MixRegion.Blend), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]))!.Message,
            Does.Contain("sum to 0.9"));
        Assert.That(
            Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [new([0, 1], [0.5, 0.5], tiles), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]))!.Message,
            Does.Contain("uses slot 2, but the sample has 2 sources"));
        Assert.That(
            Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [new([0, 1, 2], [0.5, 0.25, 0.25], new BoxRegion(0, 0, 1, 1)), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]))!.Message,
            Does.Contain("has 3 sources, but a Box region needs exactly 2"));
        Assert.That(
            Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [new([0, 1], [0.5, double.NaN], MixRegion.Blend), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]))!.Message,
            Does.Contain("weight NaN"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MixPlan(default, [SampleRecipe.Unmixed(0)]))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, Array.Empty<SampleRecipe>()))!.ParamName, Is.EqualTo("samples"));
    }

    [TestCase(99, 0)]
    [TestCase(0, 99)]
    [TestCase(-1, 0)]
    public void RejectsUndefinedEnumValues(int pairing, int mode)
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], Blends(3), "X", (PairingStrategy)pairing, (LambdaMode)mode));
        Assert.That(e!.ParamName, Is.EqualTo(pairing != 0 ? "pairing" : "mode"));
        Assert.That(e.Message, Does.Contain(pairing != 0 ? pairing.ToString() : mode.ToString()));
    }

    [Test]
    public void RejectsCountsThatDifferFromTheBatch()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5], Blends(3)));
        Assert.That(e!.ParamName, Is.EqualTo("lambdas"));
        Assert.That(e.Message, Does.Contain("2 elements").And.Contain("3"));
        e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], Blends(2)));
        Assert.That(e!.ParamName, Is.EqualTo("regions"));
        e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [], [], []));
        Assert.That(e!.ParamName, Is.EqualTo("partners"));
    }

    [Test]
    public void RejectsPartnersOutOfRange()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 3, 0], [0.5, 0.5, 0.5], Blends(3)));
        Assert.That(e!.Message, Does.Contain("Sample 1 has source 3, outside [0, 3)"));
        Assert.That(e.ParamName, Is.EqualTo("partners"));
    }

    [Test]
    public void PartnersNeedNotFormAPermutation()
    {
        // Plan v1 required a permutation (for its in-place cycle walk); v2 mixes repeated partners from a snapshot,
        // so two samples may take from the same partner (pairing by saliency distance does that).
        var plan = new MixPlan(Shape.Spatial, [1, 1, 0], [0.5, 1, 0.5], [MixRegion.Blend, MixRegion.Keep, MixRegion.Blend]);
        Assert.That(plan.Partners.ToArray(), Is.EqualTo(new[] { 1, 1, 0 }));
    }

    [TestCase(-0.1)]
    [TestCase(1.5)]
    [TestCase(double.NaN)]
    public void RejectsLambdasOutsideTheUnitInterval(double lambda)
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, lambda, 0.5], Blends(3)));
        Assert.That(e!.ParamName, Is.EqualTo("lambdas"));
        Assert.That(e.Message, Does.Contain("Sample 1"));
    }

    [Test]
    public void RejectsBoxesOutsideThePlane()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, new BoxRegion(0, 0, 5, 2), MixRegion.Blend]));
        Assert.That(e!.Message, Does.Contain("sample 1").And.Contain("4x4"));
    }

    [Test]
    public void RejectsMasksOfTheWrongSize()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, new MaskRegion(new float[15]), MixRegion.Blend]));
        Assert.That(e!.Message, Does.Contain("15 weights").And.Contain("16"));
    }

    [Test]
    public void RejectsSelfPairedSamplesThatClaimToBeMixed()
    {
        var e = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [0, 2, 1], [0.5, 0.5, 0.5], Blends(3)));
        Assert.That(e!.Message, Does.Contain("Sample 0 has sources [0, 0]").And.Contain("paired with itself or kept must have a Keep region"));
        Assert.Throws<ArgumentException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Keep, MixRegion.Blend, MixRegion.Blend]));
    }

    [Test]
    public void RejectsNullRegions()
    {
        Assert.Throws<ArgumentNullException>(() => _ = new MixPlan(Shape.Spatial, [1, 2, 0], [0.5, 0.5, 0.5], [MixRegion.Blend, null!, MixRegion.Blend]));
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
