using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Testing;

namespace MixAug.Tests.Support;

/// <summary>The uint8 contract of regions that resample their sources (ResizeMix, Mosaic): bytes widened to float32,
/// resized by the one definition, each result rounded half to even.</summary>
internal static class ResampledBytes
{
    /// <summary>Checks that mixing random bytes by <paramref name="plan"/> gives exactly the float32 path on the same
    /// values, rounded half to even, out of place and in place, and that some resized values are fractional (so the
    /// rounding is exercised).</summary>
    public static void AssertFloatPathRounded(MixPlan plan, BatchShape shape, ulong seed) =>
        Assert.That(FloatPathRounded(plan, shape, seed), Is.GreaterThan(0), "some resized values are fractional, so the rounding is tested");

    /// <summary>The checks of <see cref="AssertFloatPathRounded"/> but the last, for sweeps whose plans may resize only
    /// whole values (a box stretched from one row): returns how many float32 results are fractional, for the sweep to
    /// require some over all its plans.</summary>
    public static int FloatPathRounded(MixPlan plan, BatchShape shape, ulong seed)
    {
        var random = new MixRandom(seed + 100);
        byte[] input = [.. Enumerable.Range(0, shape.ElementCount).Select(_ => (byte)random.NextInt(256))];
        float[] widened = [.. input.Select(b => (float)b)];
        var floats = new float[input.Length];
        CpuMixer.Apply(plan, widened, floats);
        byte[] expected = [.. floats.Select(f => (byte)Math.Round(f, MidpointRounding.ToEven))];

        var output = new byte[input.Length];
        CpuMixer.Apply(plan, input, output);
        Assert.That(output, Is.EqualTo(expected), $"{shape} seed {seed}");
        MixAssert.PixelsFollowPlan(plan, input, output);
        byte[] inPlace = [.. input];
        CpuMixer.ApplyInPlace(plan, inPlace);
        Assert.That(inPlace, Is.EqualTo(expected), $"in place, {shape} seed {seed}");
        return floats.Count(f => f != MathF.Floor(f));
    }
}
