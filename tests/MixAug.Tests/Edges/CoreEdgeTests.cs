using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Transforms;

namespace MixAug.Tests.Edges;

/// <summary>
/// Issue 11, core API edges: each case was accepted, or failed with an exception that named no parameter (or the wrong
/// one), before Plan v2. Each must now be an <see cref="ArgumentException"/> of the documented kind, naming the
/// parameter and carrying the offending number. (MixChoice's overflowing weights, undefined plan enums and JSON
/// pairings such as "Flip, Roll" and "0" are covered in MixChoiceTests, MixPlanTests and MixPlanJsonTests.)
/// </summary>
public class CoreEdgeTests
{
    [TestCase(1e9, "blurSigma", "1000000000")]
    [TestCase(64.5, "blurSigma", "64.5")]
    [TestCase(double.PositiveInfinity, "blurSigma", "Infinity")]
    [TestCase(double.Epsilon - double.Epsilon, "blurSigma", "0")]
    public void SaliencyBlurSigmaOutsideItsRangeIsNamed(double sigma, string name, string number)
    {
        // 1e9 used to overflow the kernel radius (OverflowException); anything above the grid side now says so.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SpectralResidualSaliency(64, sigma));
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(number));
    }

    [TestCase(46340)]
    [TestCase(46341)]
    [TestCase(65536)]
    [TestCase(int.MaxValue)]
    [TestCase(SpectralResidualSaliency.MaxResolution + 1)]
    [TestCase(3)]
    [TestCase(int.MinValue)]
    public void SaliencyResolutionOutsideItsRangeIsNamed(int resolution)
    {
        // 46340, 46341 and 65536 used to fail with an unnamed ArgumentOutOfRangeException, one naming minimumLength
        // (ArrayPool.Rent), and IndexOutOfRangeException, on the first grid.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SpectralResidualSaliency(resolution));
        Assert.That(e!.ParamName, Is.EqualTo("resolution"));
        Assert.That(e.Message, Does.Contain(resolution.ToString()).And.Contain(SpectralResidualSaliency.MaxResolution.ToString()));
    }

    [Test]
    public void SaliencyAtTheLargestResolutionComputesAGrid()
    {
        var source = new SpectralResidualSaliency(SpectralResidualSaliency.MaxResolution, 2.5);
        var shape = new BatchShape(1, 1, 3, 5);
        float[] sample = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        var grid = new float[SpectralResidualSaliency.MaxResolution * SpectralResidualSaliency.MaxResolution];
        source.ComputeGrid(shape, sample, grid);
        Assert.That(grid, Has.All.InRange(0f, 1f));
    }

    [TestCase(double.NaN)]
    [TestCase(1.5)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(double.NegativeInfinity)]
    [TestCase(-0.5)]
    [TestCase(1.0000000000000002)]
    public void CutSizeRejectsLambdasOutsideTheUnitInterval(double lambda)
    {
        // Before: NaN gave (0, 0) through an int cast of NaN, 1.5 gave a NaN ratio, -0.5 a cut larger than the image.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BoxSampler.CutSize(new SpatialShape(8, 8), lambda));
        Assert.That(e!.ParamName, Is.EqualTo("lambda"));
        Assert.That(e.Message, Does.Contain(lambda.ToString()));
    }

    [TestCase(0.0, 8, 8)]
    [TestCase(1.0, 0, 0)]
    [TestCase(0.75, 4, 4)]
    [TestCase(0.5, 5, 5)]
    public void CutSizeAtTheEndsOfTheIntervalIsExact(double lambda, int height, int width)
    {
        Assert.That(BoxSampler.CutSize(new SpatialShape(8, 8), lambda), Is.EqualTo((height, width)));
    }

    [TestCase(-1, 2, "cutHeight")]
    [TestCase(2, -1, "cutWidth")]
    [TestCase(int.MinValue, 2, "cutHeight")]
    public void CentredBoxRejectsNegativeCuts(int cutHeight, int cutWidth, string name)
    {
        // Before: a negative cut gave a reversed box that clipped to nothing, silently (or a box when both were negative).
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BoxSampler.CentredBox(new SpatialShape(8, 8), cutHeight, cutWidth, 4, 4, true, 0.5));
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(Math.Min(cutHeight, cutWidth).ToString()));
    }

    [TestCase(double.NaN, false)]
    [TestCase(double.NaN, true)]
    [TestCase(-0.25, false)]
    [TestCase(2.0, true)]
    public void CentredBoxRejectsASampledLambdaOutsideTheUnitIntervalWithOrWithoutCorrection(double sampled, bool correct)
    {
        // Before: with correction off a NaN lambda went straight into the draw (and the plan rejected it later, naming lambdas).
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BoxSampler.CentredBox(new SpatialShape(8, 8), 2, 2, 4, 4, correct, sampled));
        Assert.That(e!.ParamName, Is.EqualTo("sampledLambda"));
        Assert.That(e.Message, Does.Contain(sampled.ToString()));
    }

    [Test]
    public void CentredBoxFarOutsideThePlaneIsUnmixedWithoutOverflow()
    {
        // Centre and size near int.MaxValue: top + size would overflow an int; the box clips to nothing.
        RegionDraw draw = BoxSampler.CentredBox(new SpatialShape(8, 8), int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, true, 0.5);
        Assert.That(draw, Is.EqualTo(RegionDraw.Unmixed));
        RegionDraw whole = BoxSampler.CentredBox(new SpatialShape(8, 8), int.MaxValue, int.MaxValue, 4, 4, true, 0.5);
        Assert.That(whole.Region, Is.InstanceOf<BoxRegion>());
        Assert.That(whole.Lambda, Is.EqualTo(0.0));
    }

    [Test]
    public void CutSizeAndCentredBoxRejectTheEmptyShape()
    {
        Assert.That(Assert.Throws<ArgumentException>(() => BoxSampler.CutSize(default, 0.5))!.ParamName, Is.EqualTo("spatial"));
        Assert.That(Assert.Throws<ArgumentException>(() => BoxSampler.CentredBox(default, 1, 1, 0, 0, true, 0.5))!.ParamName, Is.EqualTo("spatial"));
    }

    [TestCase(0, 0, "planeSize", "0")]
    [TestCase(10, 20, "ownCount", "20")]
    [TestCase(int.MinValue, 0, "planeSize", "-2147483648")]
    [TestCase(10, int.MinValue, "ownCount", "-2147483648")]
    public void MaskMeanRejectsImpossibleCountsWithTheNumbers(int planeSize, int ownCount, string name, string number)
    {
        // Before (MaskMean): (0, 0, 0) was NaN and (10, 20, 0) was 3.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Mean(planeSize, ownCount, 0));
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(number));
    }

    [TestCase(double.NaN)]
    [TestCase(-0.1)]
    [TestCase(0.6)]
    public void MaskMeanRejectsASoftWidthOutsideItsRange(double maxSoft)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => MaskThreshold.Mean(10, 5, maxSoft));
        Assert.That(e!.ParamName, Is.EqualTo("maxSoft"));
    }

    [Test]
    public void ThresholdRejectsNaNBeforeWritingAndAcceptsInfinities()
    {
        // Before (Threshold): a NaN took an arbitrary rank and the mask was written anyway.
        float[] mask = [9, 9, 9, 9];
        var e = Assert.Throws<ArgumentException>(() => MaskThreshold.Apply([1f, float.NaN, 0f, 2f], 2, 0, mask));
        Assert.That(e!.ParamName, Is.EqualTo("values"));
        Assert.That(e.Message, Does.Contain("Value 1 is NaN"));
        Assert.That(mask, Is.EqualTo(new float[] { 9, 9, 9, 9 }));

        double mean = MaskThreshold.Apply([float.NegativeInfinity, float.PositiveInfinity, 0f, 2f], 2, 0, mask);
        Assert.That(mask, Is.EqualTo(new float[] { 0, 1, 0, 1 }));
        Assert.That(mean, Is.EqualTo(0.5));
    }

    [TestCase(0, "length")]
    [TestCase(-1, "length")]
    [TestCase(int.MinValue, "length")]
    public void SequenceShapeNamesTheLength(int length, string name)
    {
        // Before: BatchShape.Sequence(4, 3, 0) named width, which is not a parameter of Sequence.
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BatchShape.Sequence(4, 3, length));
        Assert.That(e!.ParamName, Is.EqualTo(name));
        Assert.That(e.Message, Does.Contain(length.ToString()));
        var spatial = Assert.Throws<ArgumentOutOfRangeException>(() => SpatialShape.Sequence(length));
        Assert.That(spatial!.ParamName, Is.EqualTo(name));
    }

    [TestCase(0, 3, 5, "batchSize")]
    [TestCase(4, 0, 5, "channels")]
    public void SequenceShapeNamesTheOtherExtents(int b, int c, int l, string name)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BatchShape.Sequence(b, c, l));
        Assert.That(e!.ParamName, Is.EqualTo(name));
    }

    [Test]
    public void ChoiceOfHugeButFiniteWeightsKeepsTheirRatio()
    {
        // Each weight alone is fine and so is their sum: only an overflowing sum is rejected (MixChoiceTests).
        var choice = new MixChoice((new MixUp(), 4e307), (new CutMix(), 4e307));
        Assert.That(choice.Probabilities, Is.EqualTo(new[] { 0.5, 0.5 }));
    }

    [TestCase(99)]
    [TestCase(-1)]
    public void TransformsRejectUndefinedEnumsByName(int value)
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixUp(mode: (LambdaMode)value))!.ParamName, Is.EqualTo("mode"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new CutMix(pairing: (PairingStrategy)value))!.ParamName, Is.EqualTo("pairing"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FMix(granularity: (MaskGranularity)value))!.ParamName, Is.EqualTo("granularity"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FMix(spectrum: (FourierSpectrum)value))!.ParamName, Is.EqualTo("spectrum"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new SaliencyMix(region: (SaliencyRegion)value))!.ParamName, Is.EqualTo("region"));
        Assert.That(Assert.Throws<ArgumentException>(() => Pairings.Create((PairingStrategy)value, 4, new MixRandom(1), false))!.ParamName, Is.EqualTo("strategy"));
    }
}
