using MixAug.Masks;
using MixAug.Planning;

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
    public void ArgumentsAreChecked()
    {
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(maxDegreeOfParallelism: 0))!.ParamName, Is.EqualTo("maxDegreeOfParallelism"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(maxDegreeOfParallelism: -2))!.Message, Does.Contain("-2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixConfiguration(cacheCapacity: 0))!.ParamName, Is.EqualTo("cacheCapacity"));
        Assert.That(new MixConfiguration().MaxDegreeOfParallelism, Is.EqualTo(Environment.ProcessorCount));
        Assert.That(MixConfiguration.Default.CacheCapacity, Is.EqualTo(32));
    }
}
