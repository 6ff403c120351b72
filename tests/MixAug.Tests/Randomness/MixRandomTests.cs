using MixAug.Randomness;

namespace MixAug.Tests.Randomness;

public class MixRandomTests
{
    // Expected words from an independent Python implementation of SplitMix64 seeding + xoshiro256**
    // (Vigna's reference algorithm), written for this test.
    [Test]
    public void FirstWordsMatchTheReferenceAlgorithm()
    {
        var random = new MixRandom(12345);
        Assert.That(random.NextUInt64(), Is.EqualTo(0xbe6a36374160d49bUL));
        Assert.That(random.NextUInt64(), Is.EqualTo(0x214aaa0637a688c6UL));
        Assert.That(random.NextUInt64(), Is.EqualTo(0xf69d16de9954d388UL));

        var zero = new MixRandom(0);
        Assert.That(zero.NextUInt64(), Is.EqualTo(0x99ec5f36cb75f2b4UL));
        Assert.That(zero.NextUInt64(), Is.EqualTo(0xbf6e1f784956452aUL));
    }

    [Test]
    public void NextDoubleUsesTheTop53Bits()
    {
        Assert.That(new MixRandom(42).NextDouble(), Is.EqualTo(0.08386297105988216));
    }

    [Test]
    public void NextIntStaysInRangeAndIsUniform()
    {
        var random = new MixRandom(1);
        var counts = new int[7];
        const int draws = 70_000;
        for (int i = 0; i < draws; i++)
        {
            counts[random.NextInt(7)]++;
        }

        // Chi-square with 6 degrees of freedom: 22.46 is the 0.999 quantile.
        double expected = draws / 7.0;
        double chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.That(chi2, Is.LessThan(22.46));
        Assert.That(new MixRandom(3).NextInt(1), Is.Zero);
    }

    [Test]
    public void NextIntRejectsEmptyRanges()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new MixRandom(1).NextInt(0));
        Assert.That(e!.Message, Does.Contain("maxExclusive").And.Contain("0"));
    }

    [Test]
    public void BatchStreamsDependOnlyOnTheirCoordinates()
    {
        ulong a = MixRandom.ForBatch(7, 0, 1).NextUInt64();
        ulong b = MixRandom.ForBatch(7, 1, 0).NextUInt64();
        ulong c = MixRandom.ForBatch(8, 0, 1).NextUInt64();
        Assert.That(new[] { a, b, c }.Distinct().Count(), Is.EqualTo(3));

        // Drawing other batches first (another worker's order) changes nothing.
        _ = MixRandom.ForBatch(7, 5, 5).NextUInt64();
        Assert.That(MixRandom.ForBatch(7, 0, 1).NextUInt64(), Is.EqualTo(a));
    }

    [Test]
    public void ForksAreDistinctAndReproducible()
    {
        var parent1 = new MixRandom(99);
        var parent2 = new MixRandom(99);
        ulong f0 = parent1.Fork(0).NextUInt64();
        ulong g0 = parent2.Fork(0).NextUInt64();
        Assert.That(f0, Is.EqualTo(g0));
        ulong f1 = new MixRandom(99).Fork(1).NextUInt64();
        Assert.That(f1, Is.Not.EqualTo(f0));
    }

    [Test]
    public void SamplingNeverTouchesGlobalGenerators()
    {
        // The plan of a seed must not change when the shared System.Random is used in between.
        double first = BetaSampler.Sample(new MixRandom(5), 0.3, 0.3);
        _ = Random.Shared.Next();
        double second = BetaSampler.Sample(new MixRandom(5), 0.3, 0.3);
        Assert.That(second, Is.EqualTo(first));
    }
}
