using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Planning;

public class MixConfigurationTests
{
    [Test]
    public void TheCacheEvictsTheLeastRecentlyUsedTablesOneAtATime()
    {
        var configuration = new MixConfiguration(maxDegreeOfParallelism: 1, cacheCapacity: 2);
        var a = new SpatialShape(8, 8);
        var b = new SpatialShape(9, 9);
        var c = new SpatialShape(10, 10);
        FourierSynthesis first = configuration.Synthesis(a, 3, FourierSpectrum.Paper);
        configuration.Synthesis(b, 3, FourierSpectrum.Paper);
        Assert.That(configuration.Synthesis(a, 3, FourierSpectrum.Paper), Is.SameAs(first), "a hit, and a is now the most recent");
        configuration.Synthesis(c, 3, FourierSpectrum.Paper); // evicts b, the least recently used
        Assert.That(configuration.CachedTableCount, Is.EqualTo(2));
        Assert.That(configuration.Synthesis(a, 3, FourierSpectrum.Paper), Is.SameAs(first), "a survived");
        Assert.That(configuration.Synthesis(a, 2, FourierSpectrum.Paper), Is.Not.SameAs(first), "another decay is another key");
    }

    [Test]
    public void TheDefaultCapacityKeepsTheTablesOfEveryCommonLengthOfAFlipPairedBatchOf128()
    {
        // FMix with lengths builds tables per common length: 64 pairs give up to 64 lengths, which a capacity of 32
        // evicted on every call. With the default, a second apply finds every table it needs.
        var shape = BatchShape.Sequence(128, 2, 1000);
        int[] lengths = [.. Enumerable.Range(0, 128).Select(i => 500 + ((i * 37) % 501))];
        MixPlan plan = new FMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(shape, new MixRandom(5), lengths));
        int common = Enumerable.Range(0, 128).Select(i => Math.Min(lengths[i], lengths[plan.Partners[i]])).Distinct().Count();
        Assert.That(common, Is.InRange(33, 64), "more common lengths than the old default held");
        var configuration = new MixConfiguration(maxDegreeOfParallelism: 1);
        var input = new float[shape.ElementCount];
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output, configuration);
        Assert.That(configuration.CachedTableCount, Is.EqualTo(common));
        var firstPair = SpatialShape.Sequence(Math.Min(lengths[0], lengths[plan.Partners[0]]));
        FourierSynthesis kept = configuration.Synthesis(firstPair, 3, FourierSpectrum.Paper);
        CpuMixer.Apply(plan, input, output, configuration);
        Assert.That(configuration.CachedTableCount, Is.EqualTo(common), "nothing evicted, nothing built again");
        Assert.That(configuration.Synthesis(firstPair, 3, FourierSpectrum.Paper), Is.SameAs(kept));
    }

    [Test]
    public void ArgumentsAreChecked()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(maxDegreeOfParallelism: 0))!.ParamName, Is.EqualTo("maxDegreeOfParallelism"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(maxDegreeOfParallelism: -2))!.Message, Does.Contain("-2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(cacheCapacity: 0))!.ParamName, Is.EqualTo("cacheCapacity"));
        Assert.That(new MixConfiguration().MaxDegreeOfParallelism, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(MixConfiguration.Default.CacheCapacity, Is.EqualTo(128));
    }
}
