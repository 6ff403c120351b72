using MixAug.Labels;
using MixAug.Planning;
using MixAug.Testing;

namespace MixAug.Tests.Support;

/// <summary>Label maps whose labels are element addresses (sample·N + element), so a mixed map says which source
/// element each output element took its class from.</summary>
internal static class AddressMaps
{
    /// <summary>
    /// The address map of <paramref name="shape"/>'s batch mixed by <paramref name="plan"/>, after checking it against
    /// MixAug.Testing's own decoder of the plan, and the pair form against it (pairs as MixAssert expects, class A the
    /// hard map's). The caller checks the addresses against its own oracle.
    /// </summary>
    public static int[] Mixed(MixPlan plan, BatchShape shape, string context)
    {
        int[] addresses = [.. Enumerable.Range(0, shape.BatchSize * shape.PlaneSize)];
        var map = new int[addresses.Length];
        LabelMapMixer.Mix(plan, addresses, map);
        MixAssert.LabelMapsFollowPlan(plan, addresses, map);
        int[] classA = new int[map.Length], classB = new int[map.Length];
        var weightA = new float[map.Length];
        LabelMapMixer.ToPairs(plan, addresses, classA, classB, weightA);
        MixAssert.LabelPairsFollowPlan(plan, addresses, classA, classB, weightA);
        Assert.That(classA, Is.EqualTo(map), $"{context}: the pairs' class A is the hard map's");
        return map;
    }
}
