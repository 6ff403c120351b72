using MixAug.Regions;

namespace MixAug.Tests.Regions;

public class GaussianFalloffTests
{
    [TestCase(0.05)]
    [TestCase(1.0)]
    [TestCase(22.4)]
    [TestCase(1e6)]
    public void TableFollowsTheDefinitionAndOwnOnlyFromIsTheFirstDistanceOfWeightOne(double sigma)
    {
        GaussianFalloff table = GaussianFalloff.For(sigma, 300);
        Assert.That(table.Values, Has.Length.GreaterThanOrEqualTo(300));
        int firstOne = -1;
        for (int d = 0; d < 300; d++)
        {
            float expected = (float)Math.Exp(-((double)d * d) / (2 * sigma * sigma));
            Assert.That(BitConverter.SingleToInt32Bits(table.Values[d]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"d {d}");
            if (firstOne < 0 && 1f - expected == 1f)
            {
                firstOne = d;
            }

            if (firstOne >= 0)
            {
                Assert.That(1f - expected, Is.EqualTo(1f), "weight 1 from there on");
            }
        }

        Assert.That(table.OwnOnlyFrom, Is.EqualTo(firstOne < 0 ? table.Values.Length : firstOne));
    }

    [Test]
    public void AnotherSigmaOrALongerExtentGetsItsOwnTable()
    {
        GaussianFalloff a = GaussianFalloff.For(2.0, 10);
        Assert.That(GaussianFalloff.For(2.0, 10), Is.SameAs(a).Or.Property("Sigma").EqualTo(2.0)); // another thread may have replaced it
        Assert.That(GaussianFalloff.For(3.0, 10).Sigma, Is.EqualTo(3.0));
        Assert.That(GaussianFalloff.For(3.0, 500).Values, Has.Length.GreaterThanOrEqualTo(500));
    }
}
