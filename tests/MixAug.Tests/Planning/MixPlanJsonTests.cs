using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Tests.Cpu;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Planning;

public class MixPlanJsonTests
{
    [Test]
    public void SmallPlanHasTheDocumentedForm()
    {
        var shape = new BatchShape(3, 1, 2, 2);
        var mask = new MaskRegion([1, 0, 0.5f, 1]);
        var plan = new MixPlan(shape.Spatial, [2, 1, 0], [0.75, 1, 0.625], [new BoxRegion(0, 0, 1, 1), MixRegion.Keep, mask], "Test", PairingStrategy.Flip, LambdaMode.Element);
        Assert.That(MixPlanJson.Serialize(plan), Is.EqualTo(
            "{\"format\":\"mixaug-plan/2\",\"transform\":\"Test\",\"pairing\":\"Flip\",\"mode\":\"Element\",\"batch\":3,\"spatial\":[2,2]," +
            "\"masks\":[[1,0,0.5,1]]," +
            "\"samples\":[{\"partner\":2,\"lambda\":0.75,\"region\":\"box\",\"box\":[0,0,1,1]}," +
            "{\"partner\":1,\"lambda\":1,\"region\":\"keep\"}," +
            "{\"partner\":0,\"lambda\":0.625,\"region\":\"mask\",\"mask\":0}]}"));
    }

    [Test]
    public void RoundTripKeepsEveryBit()
    {
        var random = new MixRandom(17);
        var shape = new BatchShape(9, 3, 13, 7);
        IMixTransform[] transforms =
        [
            new MixUp(alpha: 0.4, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
            new CutMix(mode: LambdaMode.Pair, probability: 0.7),
            new CutMix(minRatio: 0.2, maxRatio: 0.8, pairing: PairingStrategy.Roll, mode: LambdaMode.Element),
        ];
        foreach (IMixTransform t in transforms)
        {
            MixPlan plan = t.CreatePlan(shape, random);
            string json = MixPlanJson.Serialize(plan);
            MixPlan back = MixPlanJson.Parse(json);
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
            Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
            Assert.That(back.Spatial, Is.EqualTo(plan.Spatial));
            Assert.That(back.BatchSize, Is.EqualTo(plan.BatchSize));
            Assert.That(back.TransformName, Is.EqualTo(plan.TransformName));
        }
    }

    [Test]
    public void SharedMasksAreWrittenOnce()
    {
        var shape = new BatchShape(2, 1, 1, 2);
        var mask = new MaskRegion([1, 0]);
        var plan = new MixPlan(shape.Spatial, [1, 0], [0.5, 0.5], [mask, mask]);
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"masks\":[[1,0]]"));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(back.Regions[0], Is.SameAs(back.Regions[1]));
    }

    [TestCase("not json")]
    [TestCase("{\"format\":\"other/1\"}")]
    [TestCase("{\"format\":\"mixaug-plan/1\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"shape\":[1,1,1,1],\"masks\":[],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"spiral\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Sideways\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip, Roll\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"0\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"99\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":1,\"lambda\":1,\"region\":\"mask\",\"mask\":3}, {\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[0,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"noises\":[{\"seed\":-1,\"decay\":3,\"spectrum\":\"paper\"}],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"noises\":[{\"seed\":1,\"decay\":3,\"spectrum\":\"pink\"}],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[4,4],\"saliency\":[{\"source\":\"s\",\"grid\":[2,2],\"maps\":[[1,\"AAAA\"]]}],\"samples\":[{\"partner\":1,\"lambda\":0.5,\"region\":\"saliency\",\"saliency\":0,\"map\":1,\"own\":8},{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    public void RejectsMalformedDocuments(string json)
    {
        Assert.Throws<FormatException>(() => MixPlanJson.Parse(json));
    }

    [Test]
    public void InvalidPlansInWellFormedDocumentsAreRejectedByThePlan()
    {
        const string json = "{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":0.5,\"region\":\"blend\"},{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}";
        var e = Assert.Throws<ArgumentException>(() => MixPlanJson.Parse(json));
        Assert.That(e!.Message, Does.Contain("Sample 0 has sources [0, 0]"));
    }

    [Test]
    public void A128SampleFMixPlanAt224IsARecipeOfAFewKilobytes()
    {
        var shape = new BatchShape(128, 3, 224, 224);
        foreach (MaskGranularity granularity in Enum.GetValues<MaskGranularity>())
        {
            MixPlan plan = new FMix(mode: LambdaMode.Element, granularity: granularity, maxSoft: 0.1).CreatePlan(shape, new MixRandom(3));
            string json = MixPlanJson.Serialize(plan);
            Assert.That(json.Length, Is.LessThanOrEqualTo(64 * 1024), $"{granularity}: {json.Length} characters");
            Assert.That(MixPlanJson.Serialize(MixPlanJson.Parse(json)), Is.EqualTo(json));
        }
    }

    /// <summary>Replay means the same pixels: the parsed plan mixes a batch to exactly the bits of the original.</summary>
    [Test]
    public void AParsedPlanMixesToTheSameBits()
    {
        var shape = new BatchShape(9, 3, 20, 24);
        float[] pixels = TestBatches.RandomBatch(shape, 4);
        MixPlan[] plans =
        [
            new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup, maxSoft: 0.2).CreatePlan(shape, new MixRandom(1)),
            new FMix(mode: LambdaMode.Pair, spectrum: FourierSpectrum.Reference, decayPower: 2.5).CreatePlan(shape, new MixRandom(2)),
            new SaliencyMix(mode: LambdaMode.Element, region: SaliencyRegion.Mask, pairing: PairingStrategy.Permutation).CreatePlan(shape, pixels, new MixRandom(3)),
            new SaliencyMix(mode: LambdaMode.Element).CreatePlan(shape, pixels, new MixRandom(4)),
            GeneralPlanTests.RandomGeneralPlan(shape, 5),
            new MixChoice((new MixUp(), 1), (new CutMix(), 1)).CreatePlan(shape, new MixRandom(6)),
        ];
        foreach (MixPlan plan in plans)
        {
            string json = MixPlanJson.Serialize(plan);
            MixPlan back = MixPlanJson.Parse(json);
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json), plan.ToString());
            var original = new float[pixels.Length];
            var replayed = new float[pixels.Length];
            CpuMixer.Apply(plan, pixels, original);
            CpuMixer.Apply(back, pixels, replayed);
            Assert.That(replayed, Is.EqualTo(original), plan.ToString());
            Assert.That(back.Weights(0).ToArray(), Is.EqualTo(plan.Weights(0).ToArray()));
        }
    }

    /// <summary>
    /// A seeded fuzz of the parser: valid documents cut, with bytes flipped, tokens swapped and numbers replaced. Every
    /// mutation parses to a valid plan or throws FormatException or ArgumentException, and quickly.
    /// </summary>
    [Test]
    public void MutatedDocumentsParseOrAreRefusedCleanly()
    {
        var shape = new BatchShape(4, 1, 6, 8);
        float[] pixels = TestBatches.RandomBatch(shape, 1);
        string[] seeds =
        [
            MixPlanJson.Serialize(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup).CreatePlan(shape, new MixRandom(1))),
            MixPlanJson.Serialize(new SaliencyMix(mode: LambdaMode.Pair, region: SaliencyRegion.Mask).CreatePlan(shape, pixels, new MixRandom(2))),
            MixPlanJson.Serialize(GeneralPlanTests.RandomGeneralPlan(shape, 3)),
            MixPlanJson.Serialize(FixedPlansMask(shape)),
            MixPlanJson.Serialize(new CutMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(BatchShape.Sequence(4, 1, 48), new MixRandom(4), [48, 30, 12, 1]))),
            MixPlanJson.Serialize(new CutMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, partnerPatch: PartnerPatch.SameSize).CreatePlan(shape, new MixRandom(9))),

            // Frame ranges of tiles, soft boxes and resized partners: clips with frame counts.
            MixPlanJson.Serialize(new GridMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(BatchShape.Volume(4, 1, 5, 6, 8), new MixRandom(5), [5, 2, 4, 3]))),
            MixPlanJson.Serialize(new SmoothMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(BatchShape.Volume(4, 1, 5, 6, 8), new MixRandom(6), [5, 2, 4, 3]))),
            MixPlanJson.Serialize(new MultiCutMix(partners: 3).CreatePlan(new MixRequest(BatchShape.Volume(4, 1, 5, 6, 8), new MixRandom(7), [5, 2, 4, 3]))),
            MixPlanJson.Serialize(new ResizeMix(mode: LambdaMode.Element).CreatePlan(new MixRequest(BatchShape.Volume(4, 1, 5, 6, 8), new MixRandom(8), [5, 2, 4, 3]))),
        ];
        Assert.That(seeds[^4..], Has.All.Contain("\"frames\""), "the clip seeds hold frame ranges");
        Assert.That(seeds[5], Does.Contain("\"partnerBox\""), "the asymmetric CutMix seed holds partner boxes");
        string[] replacements = ["0", "-1", "1e308", "NaN", "\"\"", "null", "[]", "{}", "2147483648", "18446744073709551616", "0.5", "\"Flip, Roll\""];
        var random = new MixRandom(2026);
        int cases = 0, parsed = 0, applied = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (string seed in seeds)
        {
            for (int k = 0; k < 400; k++)
            {
                char[] text = seed.ToCharArray();
                string mutated;
                switch (random.NextInt(4))
                {
                    case 0:
                        mutated = seed[..random.NextInt(seed.Length)];
                        break;
                    case 1:
                        int at = random.NextInt(text.Length);
                        text[at] = (char)(text[at] ^ (1 << random.NextInt(7)));
                        mutated = new string(text);
                        break;
                    case 2:
                        var numbers = System.Text.RegularExpressions.Regex.Matches(seed, "-?[0-9][0-9.eE+-]*");
                        var m = numbers[random.NextInt(numbers.Count)];
                        mutated = seed[..m.Index] + replacements[random.NextInt(replacements.Length)] + seed[(m.Index + m.Length)..];
                        break;
                    default:
                        var names = System.Text.RegularExpressions.Regex.Matches(seed, "\"[a-z]+\"");
                        var n = names[random.NextInt(names.Count)];
                        mutated = seed[..n.Index] + names[random.NextInt(names.Count)].Value + seed[(n.Index + n.Length)..];
                        break;
                }

                cases++;
                try
                {
                    MixPlan plan = MixPlanJson.Parse(mutated);
                    parsed++;
                    Assert.That(plan.BatchSize, Is.GreaterThan(0));

                    // A plan the parser accepts is one the mixers can apply: no crash on what it let through.
                    long elements = (long)plan.BatchSize * plan.Spatial.Size;
                    if (elements <= 1 << 20)
                    {
                        var batch = new float[elements];
                        CpuMixer.Apply(plan, batch, new float[elements]);
                        applied++;
                    }
                }
                catch (Exception e) when (e is FormatException or ArgumentException)
                {
                }
            }
        }

        Assert.That(cases, Is.EqualTo(seeds.Length * 400));
        Assert.That(parsed, Is.GreaterThan(0).And.LessThan(cases));
        Assert.That(applied, Is.GreaterThan(parsed / 2), "most parsed plans are small enough to apply");
        Assert.That(watch.Elapsed.TotalSeconds, Is.LessThan(30), "no mutation may hang the parser");
    }

    private static MixPlan FixedPlansMask(BatchShape shape)
    {
        float[] weights = [.. Enumerable.Range(0, shape.PlaneSize).Select(i => (i % 3) / 2f)];
        return MixAug.Testing.FixedPlans.Mask(shape, weights);
    }
}
