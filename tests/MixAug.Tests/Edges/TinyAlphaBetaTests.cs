using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Edges;

/// <summary>
/// Issue 11: alphas near the smallest double passed the constructors, but Beta(α, α) returned NaN for some draws
/// (59 of 2000 at 1e-308, all at double.Epsilon). Beta(α, α) with such an α is 0 or 1, each with probability ½, up to
/// a mass of about α in between, so every draw must be exactly 0 or 1 and the two about equally frequent.
/// </summary>
public class TinyAlphaBetaTests
{
    private const int Draws = 4000;

    [TestCase(1e-308)]
    [TestCase(1e-320)]
    [TestCase(double.Epsilon)]
    public void SymmetricBetaIsZeroOrOneAboutHalfEach(double alpha)
    {
        var random = new MixRandom(20261201);
        int zeros = 0, ones = 0;
        for (int i = 0; i < Draws; i++)
        {
            double x = BetaSampler.Sample(random, alpha, alpha);
            Assert.That(double.IsNaN(x), Is.False, $"draw {i} is NaN");
            Assert.That(x, Is.InRange(0.0, 1.0), $"draw {i}");
            if (x == 0)
            {
                zeros++;
            }
            else if (x == 1)
            {
                ones++;
            }
        }

        // Anything strictly between 0 and 1 has probability about α·log(1/α) here: none may appear.
        Assert.That(zeros + ones, Is.EqualTo(Draws), $"{Draws - zeros - ones} draws fell strictly inside (0, 1)");
        // Binomial(4000, ½): mean 2000, sd 31.6; ±190 is six standard deviations.
        Assert.That(zeros, Is.InRange(1810, 2190), $"{zeros} zeros and {ones} ones");
    }

    [Test]
    public void AsymmetricTinyShapesFavourTheLargerShape()
    {
        // Beta(a, b) with a, b → 0 is 1 with probability a/(a + b): with b = 3a, 1 comes up about a quarter of the time.
        var random = new MixRandom(7);
        int ones = 0;
        for (int i = 0; i < Draws; i++)
        {
            double x = BetaSampler.Sample(random, double.Epsilon, 3 * double.Epsilon);
            Assert.That(x is 0.0 or 1.0, Is.True, $"draw {i} is {x:R}");
            ones += x == 1 ? 1 : 0;
        }

        // Binomial(4000, ¼): mean 1000, sd 27.4; ±165 is six standard deviations.
        Assert.That(ones, Is.InRange(835, 1165));
    }

    [Test]
    public void TransformsWithTheSmallestAlphaDrawValidPlans()
    {
        var shape = new BatchShape(64, 1, 8, 8);
        IMixTransform[] transforms =
        [
            new MixUp(alpha: double.Epsilon, mode: LambdaMode.Element),
            new CutMix(alpha: double.Epsilon, mode: LambdaMode.Element),
            new FMix(alpha: double.Epsilon, mode: LambdaMode.Element),
            new MixUp(alpha: 1e-308, mode: LambdaMode.Element),
        ];
        foreach (IMixTransform transform in transforms)
        {
            for (int batch = 0; batch < 20; batch++)
            {
                MixPlan plan = transform.CreatePlan(shape, MixRandom.ForBatch(11, 0, batch));
                foreach (double lambda in plan.Lambdas)
                {
                    Assert.That(lambda, Is.InRange(0.0, 1.0), transform.ToString());
                }
            }
        }
    }
}
