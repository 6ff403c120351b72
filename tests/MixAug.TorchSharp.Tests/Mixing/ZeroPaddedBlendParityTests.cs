using MixAug.Randomness;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// Zero-padded Mixup of sequences and clips (<see cref="BlendLengths.ZeroPadded"/>) through TorchMixer gives CpuMixer's
/// elements bit for bit on both paths, padding included, for one λ per batch and per sample; the -777 planted in
/// padding never reaches a valid output element, and past both lengths the output is 0.
/// </summary>
public sealed class ZeroPaddedBlendParityTests
{
    private const float Padding = -777f;

    [Test]
    public void Zero_padded_mixup_matches_CpuMixer_exactly()
    {
        var random = new MixRandom(61);
        for (int seed = 0; seed < 16; seed++)
        {
            bool clip = seed % 2 == 1;
            int b = 1 + random.NextInt(7);
            BatchShape shape = clip ? BatchShape.Volume(b, 2, 1 + random.NextInt(6), 2 + random.NextInt(3), 1 + random.NextInt(5)) : BatchShape.Sequence(b, 3, 1 + random.NextInt(60));
            int time = clip ? shape.Depth : shape.Width, step = shape.Spatial.Size / time;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            LambdaMode mode = seed % 4 < 2 ? LambdaMode.Batch : LambdaMode.Element; // one shared λ takes TorchMixer's scalar path
            MixPlan plan = new MixUp(mode: mode, pairing: PairingStrategy.Permutation, blendLengths: BlendLengths.ZeroPadded)
                .CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));

            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            float[] mixed = PaddedBatches.AssertTorchMatchesCpu(plan, shape, source, Padding, $"seed {seed}, {plan}");
            for (int k = 0; k < mixed.Length; k++)
            {
                int sample = k / shape.SampleSize;
                if (k % shape.PlaneSize / step >= plan.OutputLengths[sample] && plan.Partners[sample] != sample)
                {
                    Assert.That(mixed[k], Is.EqualTo(0f), $"seed {seed}: element {k} is past both lengths");
                }
            }
        }
    }
}
