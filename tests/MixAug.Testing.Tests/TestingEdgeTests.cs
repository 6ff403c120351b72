using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Testing.Tests;

/// <summary>
/// What the public-API sweep found in MixAug.Testing, each failing before its fix. The worst were oracle parameters
/// that made a check vacuous: a NaN tolerance, smoothing or false-alarm rate passed every input, so a test using one
/// asserted nothing.
/// </summary>
public class TestingEdgeTests
{
    private static readonly BatchShape Shape = new(4, 1, 3, 3);

    [Test]
    public void OracleParametersThatWouldPassAnythingAreRejected()
    {
        MixPlan plan = FixedPlans.Blend(Shape, 0.7);
        int[] labels = [0, 1, 2, 3];
        float[] garbage = [.. Enumerable.Repeat(5f, 16)];
        var input = new float[Shape.ElementCount];
        var output = Enumerable.Repeat(123f, Shape.ElementCount).ToArray();

        // Before: each of these returned normally on garbage.
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.TargetsFollowPlan(plan, labels, 4, garbage, tolerance: double.NaN))!.ParamName, Is.EqualTo("tolerance"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.TargetsFollowPlan(plan, labels, 4, garbage, smoothing: double.NaN))!.ParamName, Is.EqualTo("smoothing"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.TargetsAreDistributions(garbage, 4, double.NaN))!.ParamName, Is.EqualTo("tolerance"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.PixelsFollowPlan(plan, input, output, float.PositiveInfinity))!.ParamName, Is.EqualTo("tolerance"));
        double[] uniform = [.. Enumerable.Range(0, 100).Select(i => (i + 0.5) / 100)];
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.AssertBetaDistributed(uniform, 50, 1, double.NaN))!.ParamName, Is.EqualTo("falseAlarmRate"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.AssertBoxPositionsUniform([plan], new MixRandom(1), double.NaN))!.ParamName, Is.EqualTo("falseAlarmRate"));
        double[][] images = [.. Enumerable.Range(0, 2).Select(s => Noise(16, (ulong)s))];
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.AssertPowerSpectrumDecay(images, 4, 4, double.NaN))!.ParamName, Is.EqualTo("decayPower"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.AssertPowerSpectrumDecay(images, 4, 4, 3, double.NaN))!.ParamName, Is.EqualTo("tolerance"));

        // With valid parameters the same garbage is caught.
        Assert.Throws<MixInvariantException>(() => MixAssert.TargetsFollowPlan(plan, labels, 4, garbage));
        Assert.Throws<MixInvariantException>(() => MixStatistics.AssertBetaDistributed(uniform, 50, 1));
    }

    [Test]
    public void MixAssertNamesTheBufferThatDoesNotFit()
    {
        MixPlan plan = FixedPlans.Box(Shape, new BoxRegion(0, 0, 2, 2));
        var input = Assert.Throws<ArgumentException>(() => MixAssert.PixelsFollowPlan(plan, new float[7], new float[7]));
        Assert.That(input!.ParamName, Is.EqualTo("input"));
        Assert.That(input.Message, Does.Contain("input has 7"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.PixelsFollowPlan(plan, new byte[36], new byte[35]))!.ParamName, Is.EqualTo("output"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.TargetsFollowPlan(plan, [0, 1], 2, new float[8]))!.ParamName, Is.EqualTo("labels"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.TargetsFollowPlan(plan, [0, 1, 0, 1], 2, new float[7]))!.ParamName, Is.EqualTo("targets"));
        var label = Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.TargetsFollowPlan(plan, [0, 1, 5, 1], 2, new float[8]));
        Assert.That(label!.ParamName, Is.EqualTo("labels"));
        Assert.That(label.Message, Does.Contain("Label 2 is 5"));
    }

    [Test]
    public void FixedPlansNameTheirOwnParameters()
    {
        // Before: 'lambdas', 'regions' and 'spatial', the names of the MixPlan constructor they call.
        var lambda = Assert.Throws<ArgumentOutOfRangeException>(() => FixedPlans.Blend(Shape, 1.5));
        Assert.That(lambda!.ParamName, Is.EqualTo("lambda"));
        Assert.That(lambda.Message, Does.Contain("1.5"));
        var weights = Assert.Throws<ArgumentException>(() => FixedPlans.Mask(Shape, new float[2]));
        Assert.That(weights!.ParamName, Is.EqualTo("weights"));
        Assert.That(weights.Message, Does.Contain("2").And.Contain("9"));
        Assert.That(Assert.Throws<ArgumentException>(() => FixedPlans.Identity(default))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => FixedPlans.Box(default, new BoxRegion(0, 0, 1, 1)))!.ParamName, Is.EqualTo("shape"));
        Assert.That(Assert.Throws<ArgumentException>(() => FixedPlans.Box(Shape, new BoxRegion(0, 0, 4, 1)))!.ParamName, Is.EqualTo("box"));
    }

    [Test]
    public void StatisticsRejectWhatTheyCannotComputeInsteadOfReturningNaN()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.BetaCdf(double.NaN, 2, 2))!.ParamName, Is.EqualTo("x"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.BetaCdf(0.5, 2.5, 0))!.ParamName, Is.EqualTo("b"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.BetaCdf(0.25, double.MaxValue, 0.25))!.ParamName, Is.EqualTo("a"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixStatistics.BetaCdf(0.25, double.Epsilon, 1))!.ParamName, Is.EqualTo("a"));

        // The ends of the accepted range are accurate: tiny shapes put their mass at 0 and 1 in the ratio of the
        // shapes, the largest concentrate at the mean.
        Assert.That(MixStatistics.BetaCdf(1e-300, 1e-300, 1e-300), Is.EqualTo(0.5).Within(1e-12));
        Assert.That(MixStatistics.BetaCdf(0.5, 1e-300, 3e-300), Is.EqualTo(0.75).Within(1e-12));
        Assert.That(MixStatistics.BetaCdf(0.5, 1e6, 1e6), Is.EqualTo(0.5).Within(1e-8));
        Assert.That(MixStatistics.BetaCdf(0.5 + (3 / Math.Sqrt(8e6)), 1e6, 1e6), Is.EqualTo(0.998650).Within(1e-5), "Φ(3)");

        // AssertBetaDistributed named KolmogorovSmirnov's 'sample'.
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.AssertBetaDistributed([0.5, 0.5], 1, 1))!.ParamName, Is.EqualTo("lambdas"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.KolmogorovSmirnov([.. Enumerable.Repeat(0.5, 30)], _ => double.NaN))!.ParamName, Is.EqualTo("cdf"));
    }

    [Test]
    public void PowerSpectrumChecksItsImagesBeforeAllocating()
    {
        // Before: 46340 x 46340 allocated 17 GB before looking at the images (the process was killed), and
        // 46341 x 46341 overflowed an int.
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.PowerSpectrumSlope([new double[3]], 46340, 46340))!.ParamName, Is.EqualTo("images"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.PowerSpectrumSlope([new double[3]], 46341, 46341))!.ParamName, Is.EqualTo("images"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.PowerSpectrumSlope([], 46340, 46340))!.ParamName, Is.EqualTo("images"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.PowerSpectrumSlope([null!], 4, 4))!.ParamName, Is.EqualTo("images"));
        double[] nan = Noise(16, 1);
        nan[5] = double.NaN;
        Assert.That(Assert.Throws<ArgumentException>(() => MixStatistics.PowerSpectrumSlope([nan], 4, 4))!.Message, Does.Contain("NaN at 5"));
    }

    [Test]
    public void ScriptedRandomRejectsNullScriptsAndEmptyRanges()
    {
        var random = new ScriptedRandom().WithInts(0);
        Assert.That(Assert.Throws<ArgumentNullException>(() => random.WithDoubles(null!))!.ParamName, Is.EqualTo("values"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => random.WithInts(null!))!.ParamName, Is.EqualTo("values"));
        Assert.That(Assert.Throws<ArgumentNullException>(() => random.WithWords(null!))!.ParamName, Is.EqualTo("values"));

        // NextInt(0) is an argument error for every IMixRandom (MixRandom's too), not a scripting error, and draws nothing.
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0))!.ParamName, Is.EqualTo("maxExclusive"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => new MixRandom(1).NextInt(0))!.ParamName, Is.EqualTo("maxExclusive"));
        Assert.That(random.NextInt(1), Is.Zero);
    }

    private static double[] Noise(int length, ulong seed)
    {
        var random = new MixRandom(seed);
        return [.. Enumerable.Range(0, length).Select(_ => random.NextDouble())];
    }
}
