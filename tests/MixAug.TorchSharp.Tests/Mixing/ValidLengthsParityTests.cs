using MixAug.Randomness;
using MixAug.Regions;
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

    /// <summary>MultiCutMix with lengths: tiles from up to three partners of different lengths, each within the part the
    /// sample and its partner hold (on clips: on the frames every source holds), give CpuMixer's elements on both paths.</summary>
    [Test]
    public void MultiCutMix_plans_with_lengths_match_CpuMixer_exactly() =>
        AssertRandomBatchesMatch(42, clipEvery: 2, minimumLength: 1, (seed, request) => new MultiCutMix(partners: 1 + (seed % 3)).CreatePlan(request), _ => true);

    /// <summary>GridMix with lengths: a sequence's row of holes where both samples are valid, a clip's grid on the frames
    /// both hold (tiles with a frame range), give CpuMixer's elements on both paths.</summary>
    [Test]
    public void GridMix_plans_with_lengths_match_CpuMixer_exactly()
    {
        int framed = AssertRandomBatchesMatch(43, clipEvery: 2, minimumLength: 2, (seed, request) => new GridMix(mode: (LambdaMode)(seed % 3), minHoles: 1, maxHoles: 3).CreatePlan(request), r => r is TileRegion { HasFrameRange: true });
        Assert.That(framed, Is.GreaterThan(5), "the sweep must limit clip grids to frame ranges");
    }

    /// <summary>SmoothMix with lengths: soft segments whose fall-off stops where the pair's valid parts end (clips' soft
    /// boxes on the frames both hold), rasterised for the device by the one rasteriser, give CpuMixer's elements bit for
    /// bit on both paths.</summary>
    [Test]
    public void SmoothMix_plans_with_lengths_match_CpuMixer_exactly()
    {
        int stopped = AssertRandomBatchesMatch(
            44,
            clipEvery: 4,
            minimumLength: 2,
            (seed, request) => new SmoothMix(softness: 0.2, mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Permutation : PairingStrategy.Flip).CreatePlan(request),
            r => r is SoftBoxRegion { Reach: not null } or SoftBoxRegion { HasFrameRange: true });
        Assert.That(stopped, Is.GreaterThan(5), "the sweep must stop segments short of the sequence");
    }

    /// <summary>
    /// FMix with lengths: masks over the part both samples hold, thresholded on the device from their recipes (noises of
    /// several extents in one plan, binary and soft), give CpuMixer's elements bit for bit on both paths.
    /// </summary>
    [Test]
    public void FMix_plans_with_lengths_match_CpuMixer_exactly()
    {
        var random = new MixRandom(41);
        int cropped = 0;
        for (int seed = 0; seed < 24; seed++)
        {
            int b = 1 + random.NextInt(8);
            bool clip = seed % 3 == 2;
            BatchShape shape = clip ? BatchShape.Volume(b, 2, 1 + random.NextInt(6), 1 + random.NextInt(5), 1 + random.NextInt(6)) : BatchShape.Sequence(b, 3, 1 + random.NextInt(60));
            int time = clip ? shape.Depth : shape.Width;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            var fmix = new FMix(
                maxSoft: seed % 2 == 0 ? 0.0 : 0.25,
                mode: (LambdaMode)(seed % 3),
                pairing: seed % 3 == 1 ? PairingStrategy.Flip : PairingStrategy.Permutation,
                granularity: seed % 4 < 2 ? MaskGranularity.PerGroup : MaskGranularity.PerBatch);
            MixPlan plan = fmix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            cropped += plan.Regions.OfType<FourierMaskRegion>().Count(r => r.Noise.Spatial != shape.Spatial);

            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            PaddedBatches.AssertTorchMatchesCpu(plan, shape, source, Padding, $"seed {seed}, {fmix}, lengths [{string.Join(", ", lengths)}]");
        }

        Assert.That(cropped, Is.GreaterThan(20), "the sweep must exercise masks over part of the extent");
    }

    /// <summary>
    /// 16 random batches of up to 8 samples (every <paramref name="clipEvery"/>-th a clip [B, 2, T ≤ 6, 6, 5], the others
    /// sequences [B, 2, L] of at least <paramref name="minimumLength"/>), with random lengths, mixed by the plan
    /// <paramref name="draw"/> makes from seed and request: TorchMixer's elements equal CpuMixer's. Returns how many of
    /// the plans' regions <paramref name="counts"/> holds for.
    /// </summary>
    private static int AssertRandomBatchesMatch(ulong generator, int clipEvery, int minimumLength, Func<int, MixRequest, MixPlan> draw, Func<MixRegion, bool> counts)
    {
        var random = new MixRandom(generator);
        int counted = 0;
        for (int seed = 0; seed < 16; seed++)
        {
            int b = 1 + random.NextInt(8);
            BatchShape shape = seed % clipEvery == clipEvery - 1 ? BatchShape.Volume(b, 2, 1 + random.NextInt(6), 6, 5) : BatchShape.Sequence(b, 2, minimumLength + random.NextInt(50));
            int time = shape.SpatialRank == 3 ? shape.Depth : shape.Width;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            MixPlan plan = draw(seed, new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            counted += plan.Regions.ToArray().Count(counts);
            float[] source = PaddedBatches.Values(shape, lengths, (ulong)seed, Padding);
            PaddedBatches.AssertTorchMatchesCpu(plan, shape, source, Padding, $"seed {seed}, {plan}");
        }

        return counted;
    }
}
