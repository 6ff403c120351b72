// The test half of .ci/pack-smoke.sh: compiled in a fresh NUnit project that references the MixAug and MixAug.Testing
// packages just packed. It uses only their most stable calls; update it here when they change. The script requires
// exactly these two tests to run and pass.
using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Transforms;
using NUnit.Framework;

namespace PackSmoke;

public class MixAssertSmokeTests
{
    private static readonly BatchShape Shape = new(batchSize: 6, channels: 3, height: 8, width: 8);

    [Test]
    public void CpuMixerOutputFollowsItsPlan()
    {
        (MixPlan plan, float[] input, float[] output) = Mixed();
        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
    }

    [Test]
    public void OneWrongPixelIsCaught()
    {
        (MixPlan plan, float[] input, float[] output) = Mixed();
        output[^1] += 1f;
        Assert.That(() => MixAssert.PixelsFollowPlan(plan, input, output), Throws.TypeOf<MixInvariantException>());
    }

    private static (MixPlan Plan, float[] Input, float[] Output) Mixed()
    {
        var random = new Random(7);
        float[] input = new float[Shape.ElementCount];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = random.NextSingle();
        }

        MixPlan plan = new CutMix(alpha: 1.0).CreatePlan(Shape, MixRandom.ForBatch(seed: 1, epoch: 0, batchIndex: 0));
        float[] output = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, output);
        return (plan, input, output);
    }
}
