using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Testing;
using MixAug.Transforms;

namespace MixAug.Tests.Support;

/// <summary>The checks every seeded plan of a valid-lengths sweep ends with, after its own element audit.</summary>
internal static class LengthSweeps
{
    /// <summary>The ResizeMix of the length sweeps' seed <paramref name="seed"/>: every fifth the whole image's scale
    /// (boxes of the whole extent), every sixth half its groups unmixed, the mode by seed, pair mode with flip pairing
    /// and the others with a permutation.</summary>
    public static ResizeMix ResizeMixFor(int seed)
    {
        var mode = (LambdaMode)(seed % 3);
        return new ResizeMix(
            minScale: seed % 5 == 0 ? 1.0 : 0.1,
            maxScale: seed % 5 == 0 ? 1.0 : 0.8,
            probability: seed % 6 == 5 ? 0.5 : 1.0,
            mode: mode,
            pairing: mode == LambdaMode.Pair ? PairingStrategy.Flip : PairingStrategy.Permutation);
    }

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
