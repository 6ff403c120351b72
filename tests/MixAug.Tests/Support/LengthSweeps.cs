using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Testing;

namespace MixAug.Tests.Support;

/// <summary>The checks every seeded plan of a valid-lengths sweep ends with, after its own element audit.</summary>
internal static class LengthSweeps
{
    /// <summary>Asserts that the plan's λ match its regions, that <paramref name="output"/> (the plan applied to
    /// <paramref name="batch"/> out of place) follows the plan, and that mixing in place gives its bits.</summary>
    public static void AssertFollowsPlanInAndOutOfPlace(MixPlan plan, float[] batch, float[] output, string context)
    {
        MixAssert.LambdasMatchRegions(plan);
        MixAssert.PixelsFollowPlan(plan, batch, output);
        float[] inPlace = [.. batch];
        CpuMixer.ApplyInPlace(plan, inPlace);
        Assert.That(inPlace.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(output.Select(BitConverter.SingleToInt32Bits)), $"{context}: in place");
    }
}
