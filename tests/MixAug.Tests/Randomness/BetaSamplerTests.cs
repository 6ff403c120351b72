using MixAug.Randomness;
using MixAug.Testing;

namespace MixAug.Tests.Randomness;

public class BetaSamplerTests
{
    [TestCase(0.2)]
    [TestCase(0.8)]
    [TestCase(1.0)]
    [TestCase(2.5)]
    [TestCase(40.0)]
    public void SymmetricBetaHasTheRightMeanAndVariance(double alpha)
    {
        var random = new MixRandom(2024);
        const int n = 40_000;
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = BetaSampler.Sample(random, alpha, alpha);
        }

        double mean = x.Average();
        double variance = x.Select(v => (v - mean) * (v - mean)).Sum() / (n - 1);
        double expectedVariance = 1.0 / (4.0 * ((2.0 * alpha) + 1.0));
        // Standard error of the mean is sqrt(var/n); 5 standard errors is a false alarm rate below 1e-6.
        Assert.That(mean, Is.EqualTo(0.5).Within(5 * Math.Sqrt(expectedVariance / n)));
        Assert.That(variance, Is.EqualTo(expectedVariance).Within(expectedVariance * 0.05));
    }

    [Test]
    public void AsymmetricBetaHasTheRightMean()
    {
        var random = new MixRandom(7);
        const int n = 40_000;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            sum += BetaSampler.Sample(random, 2.0, 1.0);
        }

        Assert.That(sum / n, Is.EqualTo(2.0 / 3.0).Within(0.005));
    }

    [TestCase(1.0, 1.0)]
    [TestCase(0.2, 0.2)]
    [TestCase(2.0, 5.0)]
    public void DrawsPassTheKolmogorovSmirnovTest(double a, double b)
    {
        var random = new MixRandom(11);
        double[] x = Enumerable.Range(0, 5000).Select(_ => BetaSampler.Sample(random, a, b)).ToArray();
        MixStatistics.AssertBetaDistributed(x, a, b, falseAlarmRate: 1e-3);
    }

    [Test]
    public void TinyAlphaStaysFiniteAndReproducible()
    {
        // With alpha = 1e-4 both Gamma draws underflow to 0 in plain arithmetic; the log-space sampler must not.
        var random = new MixRandom(3);
        var again = new MixRandom(3);
        int nearZero = 0;
        for (int i = 0; i < 100_000; i++)
        {
            double x = BetaSampler.Sample(random, 1e-4, 1e-4);
            Assert.That(x, Is.InRange(0.0, 1.0));
            Assert.That(BetaSampler.Sample(again, 1e-4, 1e-4), Is.EqualTo(x));
            nearZero += x < 0.5 ? 1 : 0;
        }

        // Beta(a, a) with tiny a puts half its mass at each end.
        Assert.That(nearZero, Is.InRange(48_500, 51_500));
    }

    [Test]
    public void HugeAlphaConcentratesAtOneHalf()
    {
        var random = new MixRandom(4);
        for (int i = 0; i < 1000; i++)
        {
            Assert.That(BetaSampler.Sample(random, 1e6, 1e6), Is.EqualTo(0.5).Within(0.01));
        }
    }

    [TestCase(0.0)]
    [TestCase(-1.0)]
    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    public void RejectsBadShapes(double shape)
    {
        // The sampler names its own parameter (issue 11: it named GammaSampler's "shape", which the caller never passed).
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => BetaSampler.Sample(new MixRandom(1), shape, 1.0));
        Assert.That(e!.ParamName, Is.EqualTo("a"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => BetaSampler.Sample(new MixRandom(1), 1.0, shape))!.ParamName, Is.EqualTo("b"));
        Assert.That(e.Message, Does.Contain(shape.ToString()));
    }

    [Test]
    public void NormalSamplerHasUnitVariance()
    {
        var random = new MixRandom(8);
        const int n = 50_000;
        var x = Enumerable.Range(0, n).Select(_ => NormalSampler.Sample(random)).ToArray();
        Assert.That(x.Average(), Is.EqualTo(0).Within(5 / Math.Sqrt(n)));
        Assert.That(x.Select(v => v * v).Average(), Is.EqualTo(1).Within(0.03));
    }
}
