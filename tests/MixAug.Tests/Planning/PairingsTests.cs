using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Tests.Planning;

public class PairingsTests
{
    [Test]
    public void FlipReversesTheBatch()
    {
        Assert.That(Pairings.Create(PairingStrategy.Flip, 5, new MixRandom(1), mutual: true), Is.EqualTo(new[] { 4, 3, 2, 1, 0 }));
    }

    [Test]
    public void RollTakesThePreviousSample()
    {
        Assert.That(Pairings.Create(PairingStrategy.Roll, 4, new MixRandom(1), mutual: false), Is.EqualTo(new[] { 3, 0, 1, 2 }));
        Assert.That(Pairings.Create(PairingStrategy.Roll, 1, new MixRandom(1), mutual: false), Is.EqualTo(new[] { 0 }));
    }

    [Test]
    public void RollCannotBeMutual()
    {
        var e = Assert.Throws<ArgumentException>(() => Pairings.Create(PairingStrategy.Roll, 3, new MixRandom(1), mutual: true));
        Assert.That(e!.Message, Does.Contain("not mutual"));
    }

    [Test]
    public void CustomIsNotDrawn()
    {
        Assert.Throws<ArgumentException>(() => Pairings.Create(PairingStrategy.Custom, 3, new MixRandom(1), mutual: false));
    }

    [Test]
    public void PermutationsAreDerangementsAndUniform()
    {
        var random = new MixRandom(5);
        var counts = new Dictionary<string, int>();
        for (int trial = 0; trial < 9000; trial++)
        {
            int[] p = Pairings.Create(PairingStrategy.Permutation, 4, random, mutual: false);
            Assert.That(p.Order(), Is.EqualTo(new[] { 0, 1, 2, 3 }));
            Assert.That(Enumerable.Range(0, 4).Any(i => p[i] == i), Is.False);
            string key = string.Join(",", p);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        // 4 elements have exactly 9 derangements; each should come up about 1000 times.
        Assert.That(counts, Has.Count.EqualTo(9));
        Assert.That(counts.Values, Has.All.InRange(850, 1150));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(7)]
    [TestCase(8)]
    public void MatchingsAreMutualWithOneOddOneOut(int b)
    {
        var random = new MixRandom((ulong)b);
        for (int trial = 0; trial < 50; trial++)
        {
            int[] p = Pairings.Create(PairingStrategy.Permutation, b, random, mutual: true);
            Assert.That(Enumerable.Range(0, b).All(i => p[p[i]] == i), Is.True);
            Assert.That(Enumerable.Range(0, b).Count(i => p[i] == i), Is.EqualTo(b % 2));
        }
    }
}
