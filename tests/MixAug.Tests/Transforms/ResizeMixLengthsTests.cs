using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Transforms;

/// <summary>
/// ResizeMix on sequences [B, C, L] with per-sample valid lengths (issue 12): the partner's valid part, resized, fills a
/// segment inside the positions both samples hold; the rest of the sample is its own, padding (NaN) is never read and
/// stays the sample's, and lambda is exactly 1 − segment / L_own. Checked element by element against the resampling
/// written here from its formula in double (<see cref="Resampled"/>), over the partner's valid positions only.
/// </summary>
public class ResizeMixLengthsTests
{
    /// <summary>
    /// 200 seeded plans (sequences of 1 to 60 positions, batches of 1 to 8, random lengths, all full for a quarter,
    /// every mode, several scale ranges, some unmixed groups): every valid output element is the sample's own or the
    /// resized partner's, the segment lies within the positions both hold, the partner is read over its valid length,
    /// lambda is exact, MixAssert's checks pass and the in-place path gives the same bits.
    /// </summary>
    [Test]
    public void TheResizedPartnerFillsASegmentBothHoldAndPaddingIsNeverRead()
    {
        var random = new MixRandom(2012);
        int resized = 0, shorterPartner = 0, longerPartner = 0;
        for (int seed = 0; seed < 200; seed++)
        {
            int b = 1 + random.NextInt(8), c = 1 + random.NextInt(3), l = 1 + random.NextInt(60);
            var shape = BatchShape.Sequence(b, c, l);
            bool full = seed % 4 == 0;
            int[] lengths = [.. Enumerable.Range(0, b).Select(_ => full ? l : 1 + random.NextInt(l))];
            ResizeMix resizeMix = LengthSweeps.ResizeMixFor(seed);
            LambdaMode mode = resizeMix.Mode;
            MixPlan plan = resizeMix.CreatePlan(new MixRequest(shape, new MixRandom((ulong)seed), lengths));
            float[] batch = Support.TestBatches.PaddedWithNaN(shape, lengths);
            var output = new float[batch.Length];
            CpuMixer.Apply(plan, batch, output);

            string context = $"seed {seed}, {resizeMix}, {shape}, lengths [{string.Join(", ", lengths)}]";
            Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(lengths), context);
            for (int i = 0; i < b; i++)
            {
                int p = plan.Partners[i];
                int reach = mode == LambdaMode.Batch ? lengths.Min() : Math.Min(lengths[i], lengths[p]);
                string? wrong = Check(plan, shape, lengths, batch, output, i, reach);
                Assert.That(wrong, Is.Null, $"{context}, sample {i} with {p}: {plan.Regions[i]}");
                if (plan.Regions[i] is ResizeRegion)
                {
                    resized++;
                    shorterPartner += lengths[p] < lengths[i] ? 1 : 0;
                    longerPartner += lengths[p] > lengths[i] ? 1 : 0;
                }
            }

            LengthSweeps.AssertFollowsPlanInAndOutOfPlace(plan, batch, output, context);
        }

        Assert.That(resized, Is.GreaterThan(400), "the sweep must exercise resized segments");
        Assert.That(shorterPartner, Is.GreaterThan(100), "the sweep must exercise partners shorter than the sample");
        Assert.That(longerPartner, Is.GreaterThan(100), "the sweep must exercise partners longer than the sample");
    }

    /// <summary>Worked by hand: L = 10, lengths [8, 4]; the partner's 4 valid positions shrunk to a segment [1, 3).</summary>
    [Test]
    public void HandWorkedSegment()
    {
        var spatial = SpatialShape.Sequence(10);
        ResizeRegion region = new ResizeRegion(spatial, 0, 1, 1, 3).WithPartnerLength(4);
        var plan = new MixPlan(spatial, [1, 1], [0.75, 1.0], [region, MixRegion.Keep]).WithValidLengths([8, 4]);
        Assert.That(plan.MeasureOwnShare(0), Is.EqualTo(0.75), "6 of the sample's 8 valid positions are its own");
        Assert.That(plan.OutputLengths.ToArray(), Is.EqualTo(new[] { 8, 4 }));

        // Shrinking 4 to 2 (scale 2, support 2): output 0 has centre 1 and reads inputs 0-2 with weights 0.75, 0.75, 0.25
        // (before normalising by 1.75): 30 / 1.75; output 1 has centre 3 and reads inputs 1-3 with 0.25, 0.75, 0.75:
        // 57.5 / 1.75. The NaN past the partner's length is never read.
        float[] partner = [10, 20, 30, 40, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN, float.NaN];
        var patch = new float[2];
        region.ResizePartner(partner, patch);
        Assert.That(patch[0], Is.EqualTo(30 / 1.75).Within(1e-5));
        Assert.That(patch[1], Is.EqualTo(57.5 / 1.75).Within(1e-5));

        // Reading the partner past its length, or writing past the sample's, is refused by name.
        var past = Assert.Throws<ArgumentException>(() => new MixPlan(spatial, [1, 1], [0.75, 1.0], [region, MixRegion.Keep]).WithValidLengths([8, 3]));
        Assert.That(past!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(past.Message, Does.Contain("4 <= 3"));
        var whole = new MixPlan(spatial, [1, 1], [0.8, 1.0], [new ResizeRegion(spatial, 0, 1, 1, 3), MixRegion.Keep]);
        Assert.Throws<ArgumentException>(() => whole.WithValidLengths([8, 4]), "the whole partner, padding included, would be resized");
        var beyond = new MixPlan(spatial, [1, 1], [0.8, 1.0], [new ResizeRegion(spatial, 0, 6, 1, 8).WithPartnerLength(4), MixRegion.Keep]);
        Assert.Throws<ArgumentException>(() => beyond.WithValidLengths([7, 4]), "the segment ends past the sample's length");
    }

    [Test]
    public void APartnerLengthIsCheckedByName()
    {
        var sequence = new ResizeRegion(SpatialShape.Sequence(10), 0, 1, 1, 3);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => sequence.WithPartnerLength(0))!.ParamName, Is.EqualTo("length"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => sequence.WithPartnerLength(11))!.Message, Does.Contain("[1, 10]"));
        Assert.That(sequence.WithPartnerLength(10).PartnerLength, Is.Null, "the whole sequence is the region without a length");
        var image = new ResizeRegion(new SpatialShape(4, 4), 0, 0, 2, 2);
        Assert.That(Assert.Throws<ArgumentException>(() => image.WithPartnerLength(2))!.ParamName, Is.EqualTo("length"));
        // A partner length runs along a sequence; a clip's frame counts give a frame range instead (ResizeMixFramesTests).
        MixPlan clip = new ResizeMix().CreatePlan(new MixRequest(BatchShape.Volume(2, 1, 2, 3, 3), new MixRandom(1), [2, 1]));
        Assert.That(clip.Regions.OfType<ResizeRegion>().Select(r => (r.PartnerLength, r.EndFrame)), Is.All.EqualTo(((int?)null, (int?)1)));
    }

    /// <summary>Lengths all equal to L draw the plan drawn without lengths, bit for bit.</summary>
    [Test]
    public void FullLengthsChangeNothing()
    {
        foreach (LambdaMode mode in Enum.GetValues<LambdaMode>())
        {
            var shape = BatchShape.Sequence(7, 2, 45);
            var resizeMix = new ResizeMix(mode: mode, pairing: PairingStrategy.Permutation);
            MixPlan plain = resizeMix.CreatePlan(shape, new MixRandom(5));
            int[] full = [.. Enumerable.Repeat(45, 7)];
            MixPlan withLengths = resizeMix.CreatePlan(new MixRequest(shape, new MixRandom(5), full));
            Assert.That(
                MixPlanJson.Serialize(withLengths).Replace($",\"validLengths\":[{string.Join(",", full)}]", string.Empty),
                Is.EqualTo(MixPlanJson.Serialize(plain)),
                mode.ToString());
        }
    }

    /// <summary>The JSON form keeps the partner lengths and replays the same bits; uint8 padding (255) never shows.</summary>
    [Test]
    public void JsonKeepsThePartnerLengthsAndUint8NeverShowsPadding()
    {
        var shape = BatchShape.Sequence(9, 2, 50);
        var random = new MixRandom(3);
        int[] lengths = [.. Enumerable.Range(0, 9).Select(_ => 1 + random.NextInt(50))];
        MixPlan plan = new ResizeMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(new MixRequest(shape, new MixRandom(7), lengths));
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"partnerLength\":"));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        float[] batch = Support.TestBatches.PaddedWithNaN(shape, lengths);
        var a = new float[batch.Length];
        var b = new float[batch.Length];
        CpuMixer.Apply(plan, batch, a);
        CpuMixer.Apply(back, batch, b);
        Assert.That(b.Select(BitConverter.SingleToInt32Bits), Is.EqualTo(a.Select(BitConverter.SingleToInt32Bits)));

        byte[] bytes = TestBatches.PaddedBytes(shape, lengths, random, 255);

        var mixed = new byte[bytes.Length];
        CpuMixer.Apply(plan, bytes, mixed);
        for (int k = 0; k < mixed.Length; k++)
        {
            if (k % shape.Width < plan.OutputLengths[k / shape.SampleSize])
            {
                Assert.That(mixed[k], Is.LessThan(255), $"padding at valid element {k}");
            }
        }

        Assert.That(() => MixPlanJson.Parse(json.Replace("\"partnerLength\":", "\"partnerLength\":9")), Throws.InstanceOf<ArgumentException>());
    }

    /// <summary>Checks sample <paramref name="i"/>'s output; returns what is wrong, or null.</summary>
    private static string? Check(MixPlan plan, BatchShape shape, int[] lengths, float[] batch, float[] output, int i, int reach)
    {
        int l = shape.Width, channels = shape.Channels, own = lengths[i], p = plan.Partners[i];
        (int left, int right) = (0, 0);
        if (plan.Regions[i] is ResizeRegion region)
        {
            (left, right) = (region.Left, region.Right);
            if (right > reach)
            {
                return $"the segment [{left}, {right}) reaches past the {reach} positions both samples hold";
            }

            if ((region.PartnerLength ?? l) != lengths[p])
            {
                return $"the partner is read over {region.PartnerLength ?? l} positions, not its valid {lengths[p]}";
            }

            double lambda = (double)(own - (right - left)) / own;
            if (plan.Lambdas[i] != lambda)
            {
                return $"lambda {plan.Lambdas[i]:R}, expected (L_own − segment) / L_own = {lambda:R}";
            }
        }
        else if (plan.Regions[i] is not KeepRegion || plan.Lambdas[i] != 1.0)
        {
            return $"a {plan.Regions[i].Kind} region with lambda {plan.Lambdas[i]}, expected a resize or a keep";
        }

        for (int c = 0; c < channels; c++)
        {
            int at = ((i * channels) + c) * l, from = ((p * channels) + c) * l;
            double[] patch = Resampled(batch.AsSpan(from, lengths[p]), right - left);
            for (int t = 0; t < l; t++)
            {
                float got = output[at + t];
                if (t >= own)
                {
                    if (!float.IsNaN(got))
                    {
                        return $"padding position {t} of channel {c} holds {got}; it must stay the sample's padding (NaN)";
                    }
                }
                else if (t >= left && t < right)
                {
                    if (!(Math.Abs(got - patch[t - left]) <= 1e-3))
                    {
                        return $"position {t} of channel {c} holds {got}, the partner resized gives {patch[t - left]}";
                    }
                }
                else if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(batch[at + t]))
                {
                    return $"position {t} of channel {c} holds {got}, not the sample's own {batch[at + t]}";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The partner's valid positions resized to <paramref name="outputs"/> by the documented formula, in double: output i
    /// (centre c = s·(i + ½), s = n/m, support r = max(s, 1)) weighs input j by max(0, 1 − |(j + ½ − c)/r|), normalised.
    /// </summary>
    private static double[] Resampled(ReadOnlySpan<float> partner, int outputs)
    {
        int n = partner.Length;
        double scale = (double)n / Math.Max(outputs, 1), support = Math.Max(1, scale);
        var result = new double[outputs];
        for (int i = 0; i < outputs; i++)
        {
            double centre = scale * (i + 0.5), sum = 0, total = 0;
            for (int j = 0; j < n; j++)
            {
                double w = Math.Max(0, 1 - Math.Abs((j + 0.5 - centre) / support));
                sum += w == 0 ? 0 : w * partner[j];
                total += w;
            }

            result[i] = sum / total;
        }

        return result;
    }
}
