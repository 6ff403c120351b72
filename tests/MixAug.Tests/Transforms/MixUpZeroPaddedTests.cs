using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// Mixup of sequences and clips of different lengths, zero-padded (<see cref="BlendLengths.ZeroPadded"/>): the output
/// is valid up to the longer source, each source reads as zeros past its own length whatever its padding holds (NaN
/// and 255 are planted there), and past both lengths the output is 0. Expected values are computed here from the
/// sources' valid elements.
/// </summary>
public class MixUpZeroPaddedTests
{
    [Test]
    public void TheShorterSourceReadsAsZerosAndPaddingIsNeverRead()
    {
        var random = new MixRandom(77);
        int pastShorter = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            bool clip = seed % 2 == 1;
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(3);
            BatchShape shape = clip ? BatchShape.Volume(b, c, 1 + random.NextInt(6), 1 + random.NextInt(4), 1 + random.NextInt(5)) : BatchShape.Sequence(b, c, 1 + random.NextInt(40));
            int time = clip ? shape.Depth : shape.Width, step = shape.Spatial.Size / time;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => 1 + random.NextInt(time))];
            var transform = new MixUp(alpha: 0.4 + (seed % 3), mode: (LambdaMode)(seed % 3), pairing: seed % 3 == 1 ? PairingStrategy.Flip : PairingStrategy.Permutation, blendLengths: BlendLengths.ZeroPadded);
            MixPlan plan = transform.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = Padded(shape, lengths, step, float.NaN);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);
            float[] inPlace = (float[])batch.Clone();
            CpuMixer.ApplyInPlace(plan, inPlace);
            Assert.That(inPlace, Is.EqualTo(output).Using<float>((x, y) => BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y)), $"seed {seed}: in place");

            Assert.That(plan.BlendLengths, Is.EqualTo(BlendLengths.ZeroPadded));
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                bool blend = plan.Regions[i].Kind == MixRegionKind.Blend;
                int valid = blend ? Math.Max(lengths[i], lengths[p]) : lengths[i];
                Assert.That(plan.OutputLengths[i], Is.EqualTo(valid), $"seed {seed}, sample {i}");
                if (!blend)
                {
                    continue;
                }

                float w = (float)plan.Weights(i)[0], wp = (float)plan.Weights(i)[1];
                for (int e = 0; e < shape.SampleSize; e++)
                {
                    int t = e % shape.PlaneSize / step;
                    float mine = t < lengths[i] ? batch[(i * shape.SampleSize) + e] : 0f;
                    float theirs = t < lengths[p] ? batch[(p * shape.SampleSize) + e] : 0f;
                    float got = output[(i * shape.SampleSize) + e];
                    string where = $"seed {seed}, {shape}, sample {i} ({lengths[i]}) with {p} ({lengths[p]}), element {e} (time {t})";
                    Assert.That(float.IsNaN(got), Is.False, where);
                    Assert.That(got, Is.EqualTo((mine * w) + (theirs * wp)).Within(1e-5f), where);
                    if (t >= Math.Min(lengths[i], lengths[p]) && t < valid)
                    {
                        Assert.That(got, Is.EqualTo(lengths[i] > lengths[p] ? mine * w : theirs * wp), $"{where}: past the shorter source, only the longer one times its weight");
                        pastShorter++;
                    }
                }
            }

            Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, batch, output), $"seed {seed}");
        }

        Assert.That(pastShorter, Is.GreaterThan(2000), "the sweep must exercise the part past the shorter source");
    }

    [Test]
    public void Uint8ReadsZerosPastEachLengthAndRoundsHalfToEven()
    {
        var random = new MixRandom(6);
        for (int seed = 0; seed < 80; seed++)
        {
            var shape = seed % 2 == 0 ? BatchShape.Sequence(1 + random.NextInt(6), 2, 1 + random.NextInt(50)) : BatchShape.Volume(1 + random.NextInt(6), 2, 1 + random.NextInt(6), 3, 1 + random.NextInt(9));
            int time = shape.SpatialRank == 1 ? shape.Width : shape.Depth, step = shape.Spatial.Size / time;
            int[] lengths = [.. Enumerable.Range(0, shape.BatchSize).Select(_ => 1 + random.NextInt(time))];
            MixPlan plan = new MixUp(mode: LambdaMode.Element, pairing: PairingStrategy.Roll, blendLengths: BlendLengths.ZeroPadded).CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            byte[] bytes = TestBatches.PaddedBytes(shape, lengths, random, 200);

            var mixed = new byte[bytes.Length];
            CpuMixer.Apply(plan, bytes, mixed);
            for (int i = 0; i < shape.BatchSize; i++)
            {
                int p = plan.Partners[i];
                if (p == i)
                {
                    continue; // a batch of one keeps its sample, padding and all
                }

                float w = (float)plan.Weights(i)[0], wp = (float)plan.Weights(i)[1];
                for (int e = 0; e < shape.SampleSize; e++)
                {
                    int t = e % shape.PlaneSize / step;
                    float mine = t < lengths[i] ? bytes[(i * shape.SampleSize) + e] : 0f;
                    float theirs = t < lengths[p] ? bytes[(p * shape.SampleSize) + e] : 0f;
                    byte expected = (byte)Math.Round((mine * w) + (theirs * wp), MidpointRounding.ToEven);
                    Assert.That(mixed[(i * shape.SampleSize) + e], Is.EqualTo(expected), $"seed {seed}, sample {i} ({lengths[i]}) with {p} ({lengths[p]}), element {e}");
                }
            }
        }
    }

    /// <summary>MixAssert holds the zero-padded rule: the espnet2-rule output (padding blended in) fails it.</summary>
    [Test]
    public void ReadingPaddingInsteadOfZerosIsCaught()
    {
        var shape = BatchShape.Sequence(2, 1, 6);
        int[] lengths = [6, 3];
        MixPlan plain = new MixPlan(shape.Spatial, [1, 0], [0.75, 0.25], [MixRegion.Blend, MixRegion.Blend]);
        MixPlan zeroPadded = plain.WithValidLengths(lengths, BlendLengths.ZeroPadded);
        MixPlan shorter = plain.WithValidLengths(lengths);
        float[] batch = [1, 2, 3, 4, 5, 6, 10, 20, 30, 99, 99, 99];
        var output = new float[12];
        CpuMixer.Apply(zeroPadded, batch, output);

        // Worked by hand: sample 0 past frame 3 is 0.75·x; sample 1 past its length reads itself as 0.
        Assert.That(output, Is.EqualTo(new float[]
        {
            (0.75f * 1) + (0.25f * 10), (0.75f * 2) + (0.25f * 20), (0.75f * 3) + (0.25f * 30), 0.75f * 4, 0.75f * 5, 0.75f * 6,
            (0.25f * 10) + (0.75f * 1), (0.25f * 20) + (0.75f * 2), (0.25f * 30) + (0.75f * 3), 0.75f * 4, 0.75f * 5, 0.75f * 6,
        }));
        Assert.That(zeroPadded.OutputLengths.ToArray(), Is.EqualTo(new[] { 6, 6 }));
        Assert.That(shorter.OutputLengths.ToArray(), Is.EqualTo(new[] { 3, 3 }));

        var blendedPadding = new float[12];
        CpuMixer.Apply(shorter, batch, blendedPadding);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(zeroPadded, batch, blendedPadding));
        Assert.That(e!.Message, Does.Contain("position 3"));
    }

    [Test]
    public void JsonKeepsTheRuleAndOldDocumentsKeepEspnetsRule()
    {
        var shape = BatchShape.Volume(5, 2, 6, 3, 4);
        int[] lengths = [6, 2, 4, 1, 5];
        MixPlan plan = new MixUp(mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded).CreatePlan(new MixRequest(shape, new MixRandom(4), lengths));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"validLengths\":[6,2,4,1,5],\"blendLengths\":\"zeropadded\","));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(back.BlendLengths, Is.EqualTo(BlendLengths.ZeroPadded));
        Assert.That(back.OutputLengths.ToArray(), Is.EqualTo(plan.OutputLengths.ToArray()));
        float[] pixels = Padded(shape, lengths, 12, float.NaN);
        var a = new float[pixels.Length];
        var b = new float[pixels.Length];
        CpuMixer.Apply(plan, pixels, a);
        CpuMixer.Apply(back, pixels, b);
        Assert.That(b, Is.EqualTo(a));

        MixPlan old = MixPlanJson.Parse(json.Replace("\"blendLengths\":\"zeropadded\",", string.Empty));
        Assert.That(old.BlendLengths, Is.EqualTo(BlendLengths.Shorter));
        Assert.That(old.OutputLengths.ToArray(), Is.EqualTo(plan.Regions.Select((r, i) => r is BlendRegion ? Math.Min(lengths[i], lengths[plan.Partners[i]]) : lengths[i]).ToArray()));
        Assert.Throws<FormatException>(() => MixPlanJson.Parse(json.Replace("zeropadded", "longest")));
        Assert.That(MixPlanJson.Serialize(plan.WithValidLengths(lengths)), Does.Not.Contain("blendLengths"), "the default rule is not written");
    }

    [Test]
    public void FullLengthsChangeNothingAndTheRuleNeedsATimeAxis()
    {
        var shape = BatchShape.Sequence(6, 2, 9);
        int[] full = [.. Enumerable.Repeat(9, 6)];
        MixPlan plain = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(2));
        MixPlan zeroPadded = new MixUp(mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded).CreatePlan(new MixRequest(shape, new MixRandom(2), full));
        float[] pixels = Support.TestBatches.RandomBatch(shape, 3);
        var a = new float[pixels.Length];
        var b = new float[pixels.Length];
        CpuMixer.Apply(plain, pixels, a);
        CpuMixer.Apply(zeroPadded, pixels, b);
        Assert.That(b, Is.EqualTo(a));
        Assert.That(plain.IsUniform, Is.True);
        Assert.That(zeroPadded.IsUniform, Is.False, "a zero-padded blend reads each source up to its length along time");
        Assert.That(() => CpuMixer.Apply(zeroPadded, new float[6 * 5], new float[6 * 5]), Throws.ArgumentException, "a [B, D] vector has no time axis");
    }

    [Test]
    public void BadRulesAreRefusedByName()
    {
        var mixup = Assert.Throws<ArgumentOutOfRangeException>(() => _ = new MixUp(blendLengths: (BlendLengths)5));
        Assert.That(mixup!.ParamName, Is.EqualTo("blendLengths"));
        Assert.That(mixup.Message, Does.Contain("5"));

        var plan = new MixPlan(SpatialShape.Sequence(4), [1, 0], [0.5, 0.5], [MixRegion.Blend, MixRegion.Blend]);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => plan.WithValidLengths([4, 2], (BlendLengths)(-1)))!.ParamName, Is.EqualTo("blendLengths"));

        var three = new MixPlan(SpatialShape.Sequence(4), [
            new SampleRecipe([0, 1, 2], [0.5, 0.25, 0.25], MixRegion.Blend),
            new SampleRecipe([1], [1.0], MixRegion.Keep),
            new SampleRecipe([2], [1.0], MixRegion.Keep),
        ]);
        var e = Assert.Throws<ArgumentException>(() => three.WithValidLengths([4, 2, 3], BlendLengths.ZeroPadded));
        Assert.That(e!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(e.Message, Does.Contain("Sample 0 blends 3 sources"));
        Assert.That(three.WithValidLengths([4, 4, 4]).OutputLengths.ToArray(), Is.EqualTo(new[] { 4, 4, 4 }), "espnet2's rule takes any blend");

        var maps = Assert.Throws<ArgumentException>(() => LabelMapMixer.Mix(plan.WithValidLengths([4, 2], BlendLengths.ZeroPadded), new byte[8], new byte[8]));
        Assert.That(maps!.ParamName, Is.EqualTo("plan"));
        Assert.That(maps.Message, Does.Contain("zero-padded"));
    }

    /// <summary>Valid elements hold distinct finite values; time steps at or after a sample's length hold <paramref name="padding"/>.</summary>
    private static float[] Padded(BatchShape shape, int[] lengths, int step, float padding)
    {
        var batch = new float[shape.ElementCount];
        for (int k = 0; k < batch.Length; k++)
        {
            batch[k] = k % shape.PlaneSize / step < lengths[k / shape.SampleSize] ? (k % 97) + 1 + (k / 97 * 0.001f) : padding;
        }

        return batch;
    }
}
