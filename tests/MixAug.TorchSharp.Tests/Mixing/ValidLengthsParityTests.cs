using MixAug.Randomness;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// Plans with valid lengths (sequences [B, C, L] and clips [B, C, T, H, W]) give the same float32 elements through
/// TorchMixer, on both its paths, as through CpuMixer, padding included; a sentinel planted in the padding is never found
/// at a valid output position.
/// </summary>
public sealed class ValidLengthsParityTests
{
    private const float Padding = -777f;

    [Test]
    public void Sequence_and_clip_plans_with_lengths_match_CpuMixer_exactly()
    {
        var random = new MixRandom(40);
        IMixTransform[] sequenceTransforms =
        [
            new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
            new CutMix(mode: LambdaMode.Pair),
            new CutMix(mode: LambdaMode.Batch, pairing: PairingStrategy.Roll),
        ];
        for (int seed = 0; seed < 12; seed++)
        {
            int b = 1 + random.NextInt(8);
            bool clip = seed % 4 == 3;
            BatchShape shape = clip ? BatchShape.Volume(b, 2, 5, 3, 4) : BatchShape.Sequence(b, 3, 1 + random.NextInt(50));
            int time = clip ? shape.Depth : shape.Width;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            IMixTransform transform = clip ? new MixUp(mode: LambdaMode.Element) : sequenceTransforms[seed % sequenceTransforms.Length];
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));

            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            PaddedBatches.AssertTorchMatchesCpu(plan, shape, source, Padding, $"seed {seed}, {plan}");
        }
    }
}
