using MixAug.Planning;
using MixAug.Transforms;
using TorchSharp;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Labels;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// MixCollate's aligned keys (issue 12: every aligned tensor mixed by the same plan, in the loader): a label map takes,
/// at every pixel, the class of the pixel the mixed image shows there; values follow the images element by element;
/// the soft targets are the plan's; and the rest of the batch is what it is without them.
/// </summary>
public sealed class MixCollateAlignedTests
{
    private const int Classes = 7;
    private const int Size = 12;

    /// <summary>
    /// Sample i: one image channel whose pixel (y, x) holds i·144 + y·12 + x (a float32 integer, so the mixed image says
    /// which sample and pixel each output pixel was copied from under a plan that selects), a label map of class
    /// (i·5 + y·3 + x) mod 7 (int64, int32 or uint8), depth [1, 12, 12] of 1000 + the image's value, and int32
    /// values [2, 12, 12] of minus it.
    /// </summary>
    private static List<Dictionary<string, Tensor>> Samples(int count, ScalarType mapType) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            Tensor code = arange(Size * Size, dtype: ScalarType.Float32).reshape(1, Size, Size) + (i * Size * Size);
            return new Dictionary<string, Tensor>
            {
                ["data"] = code,
                ["label"] = tensor((long)(i % Classes)),
                ["mask"] = ClassMap(i).to(mapType),
                ["depth"] = code + 1000,
                ["offsets"] = (-code).to(ScalarType.Int32).expand(2, Size, Size).contiguous(),
            };
        })];

    private static Tensor ClassMap(int sample)
    {
        Tensor y = arange(Size, dtype: ScalarType.Int64).reshape(Size, 1), x = arange(Size, dtype: ScalarType.Int64).reshape(1, Size);
        return ((sample * 5) + (y * 3) + x) % Classes;
    }

    private static readonly AlignedKey[] Keys = [AlignedKey.LabelMap("mask"), AlignedKey.Values("depth"), AlignedKey.Values("offsets")];

    private static IEnumerable<TestCaseData> SelectingPolicies()
    {
        yield return new TestCaseData(new CutMix(mode: LambdaMode.Element), ScalarType.Int64, true).SetName("CutMix per sample, int64 maps");
        yield return new TestCaseData(new CutMix(), ScalarType.Byte, true).SetName("CutMix one box, uint8 maps");
        yield return new TestCaseData(new MultiCutMix(partners: 3), ScalarType.Int32, true).SetName("CutMix with three partners, int32 maps");
        yield return new TestCaseData(new GridMix(mode: LambdaMode.Element), ScalarType.Int64, true).SetName("GridMix per sample");
        yield return new TestCaseData(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup), ScalarType.Byte, true).SetName("FMix per sample, uint8 maps");
        // Mosaic's regions weigh elements (resampled, even at scale 1), so TorchMixer takes floating values only.
        yield return new TestCaseData(new Mosaic(shrinkTiles: false), ScalarType.Int64, false).SetName("Mosaic of unscaled tiles, floating values only");
    }

    [TestCaseSource(nameof(SelectingPolicies))]
    public void Every_pixel_of_a_label_map_takes_the_class_of_the_pixel_the_image_shows_and_values_follow_the_images(IMixTransform policy, ScalarType mapType, bool integerValues)
    {
        var collate = new MixCollate(policy, 11, Classes, options: new() { AlignedKeys = integerValues ? Keys : Keys[..2] });
        foreach (int count in new[] { 1, 5, 8 })
        {
            for (int round = 0; round < 4; round++)
            {
                using DisposeScope scope = NewDisposeScope();
                List<Dictionary<string, Tensor>> samples = Samples(count, mapType);
                Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
                string what = $"{policy.GetType().Name}, {count} samples, batch {collate.NextBatchIndex - 1}";
                Assert.That((batch["mask"].dtype, batch["mask"].shape), Is.EqualTo((mapType, new long[] { count, Size, Size })), what);
                double[] images = Loaders.Values(batch["data"]), masks = Loaders.Values(batch["mask"]);
                double[] depth = Loaders.Values(batch["depth"]), offsets = integerValues ? Loaders.Values(batch["offsets"]) : [];
                int plane = Size * Size;
                for (int e = 0; e < images.Length; e++)
                {
                    int from = (int)images[e], sample = from / (Size * Size), y = from % (Size * Size) / Size, x = from % Size;
                    Assert.That(images[e], Is.EqualTo(Math.Floor(images[e])), $"{what}: pixel {e} was copied, not blended");
                    Assert.That(masks[e], Is.EqualTo(((sample * 5) + (y * 3) + x) % Classes), $"{what}: label of output pixel {e}, copied from sample {sample} ({y}, {x})");
                    Assert.That(depth[e], Is.EqualTo(images[e] + 1000), $"{what}: depth of pixel {e}");
                    if (integerValues)
                    {
                        // [B, 2, H, W]: both channels of output e's sample and pixel.
                        int at = (e / plane * 2 * plane) + (e % plane);
                        Assert.That((offsets[at], offsets[at + plane]), Is.EqualTo((-images[e], -images[e])), $"{what}: both channels of the int32 values at pixel {e}");
                    }
                }

                Assert.That(!integerValues || batch["offsets"].dtype == ScalarType.Int32, what);
            }
        }
    }

    [Test]
    public void Blended_values_are_the_plans_weighted_sums_and_a_blended_label_map_takes_the_heavier_sources_class()
    {
        var collate = new MixCollate(new MixUp(alpha: 1.0, mode: LambdaMode.Element), 3, Classes, options: new() { AlignedKeys = [AlignedKey.LabelMap("mask"), AlignedKey.Values("depth")] });
        for (int round = 0; round < 3; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = Samples(6, ScalarType.Int64);
            Dictionary<string, Tensor> batch = collate.Collate(samples.Select(s => new Dictionary<string, Tensor> { ["data"] = s["data"], ["label"] = s["label"], ["mask"] = s["mask"], ["depth"] = s["depth"] }), CPU);
            MixPlan plan = collate.LastBatch!.Plan;
            double[] depth = Loaders.Values(batch["depth"]), masks = Loaders.Values(batch["mask"]);
            int plane = Size * Size;
            for (int i = 0; i < 6; i++)
            {
                int partner = plan.Partners[i];
                double lambda = plan.Lambdas[i];
                double[] own = Loaders.Values(samples[i]["depth"]), other = Loaders.Values(samples[partner]["depth"]);
                double[] ownClass = Loaders.Values(samples[i]["mask"]), otherClass = Loaders.Values(samples[partner]["mask"]);
                for (int e = 0; e < plane; e++)
                {
                    double expected = (lambda * own[e]) + ((1 - lambda) * other[e]);
                    Assert.That(depth[(i * plane) + e], Is.EqualTo(expected).Within(1e-3), $"round {round}, sample {i} (λ {lambda}), element {e}");
                    // (float)λ against (float)(1 − λ), ties to the sample itself: LabelMapMixer's rule.
                    double heavier = (float)lambda >= (float)(1 - lambda) ? ownClass[e] : otherClass[e];
                    Assert.That(masks[(i * plane) + e], Is.EqualTo(heavier), $"round {round}, sample {i} (λ {lambda}), class at {e}");
                }
            }
        }
    }

    [Test]
    public void Soft_targets_of_a_label_map_are_TorchLabelMapMixers_for_the_batchs_plan_and_one_hot_where_a_box_decides()
    {
        foreach ((IMixTransform policy, bool hard) in new (IMixTransform, bool)[] { (new CutMix(mode: LambdaMode.Element), true), (new MixUp(mode: LambdaMode.Element), false) })
        {
            var collate = new MixCollate(policy, 5, Classes, options: new() { AlignedKeys = [AlignedKey.LabelMap("mask", Classes, ignoreIndex: 6)] });
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = Samples(5, ScalarType.Int64);
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            Tensor targets = batch[MixBatchKeys.SoftTargetsOf("mask")];
            Assert.That((targets.dtype, targets.shape), Is.EqualTo((ScalarType.Float32, new long[] { 5, Classes, Size, Size })), policy.ToString());
            Tensor stacked = stack(samples.Select(s => s["mask"]));
            Assert.That(Loaders.Values(targets), Is.EqualTo(Loaders.Values(TorchLabelMapMixer.ToSoftTargets(collate.LastBatch!.Plan, stacked, Classes, ignoreIndex: 6))), policy.ToString());
            if (hard)
            {
                // Where the hard map has a class, its one-hot; where it is the ignore index (6), nothing.
                Tensor expected = nn.functional.one_hot(batch["mask"], Classes).permute(0, 3, 1, 2).to(ScalarType.Float32);
                expected[TensorIndex.Colon, 6] = zeros(1);
                Assert.That(Loaders.Values(targets), Is.EqualTo(Loaders.Values(expected)), "CutMix: one-hot of the copied classes, ignored class empty");
            }
        }
    }

    [Test]
    public void Aligned_keys_change_nothing_else_in_the_batch()
    {
        var plain = new MixCollate(new CutMix(mode: LambdaMode.Element), 9, Classes);
        var aligned = new MixCollate(new CutMix(mode: LambdaMode.Element), 9, Classes, options: new() { AlignedKeys = Keys });
        for (int round = 0; round < 3; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            Dictionary<string, Tensor> a = plain.Collate(Samples(6, ScalarType.Int64), CPU), b = aligned.Collate(Samples(6, ScalarType.Int64), CPU);
            Assert.That(b.Keys.Except(Keys.Select(k => k.Name)), Is.EquivalentTo(a.Keys), "the aligned keys are added, nothing else");
            foreach (string key in a.Keys)
            {
                Assert.That(Loaders.Values(b[key]), Is.EqualTo(Loaders.Values(a[key])), $"round {round}, '{key}'");
            }

            Assert.That(aligned.LastBatch!.ToJson(), Is.EqualTo(plain.LastBatch!.ToJson()), "the same plan");
        }
    }

    [Test]
    public void With_a_label_map_the_collate_takes_Transplantation_which_pastes_every_pixel_of_one_partner_class()
    {
        var collate = new MixCollate(new Transplantation(), 17, Classes, options: new() { AlignedKeys = [AlignedKey.LabelMap("mask")] });
        int transplanted = 0;
        for (int round = 0; round < 4; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = Samples(5, ScalarType.Int64);
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            MixPlan plan = collate.LastBatch!.Plan;
            double[] images = Loaders.Values(batch["data"]), masks = Loaders.Values(batch["mask"]);
            int plane = Size * Size;
            for (int i = 0; i < 5; i++)
            {
                int partner = plan.Partners[i];
                double[] partnerClasses = Loaders.Values(samples[partner]["mask"]);
                var pasted = new HashSet<double>();
                int fromPartner = 0;
                for (int e = 0; e < plane; e++)
                {
                    int from = (int)images[(i * plane) + e];
                    Assert.That(from % plane, Is.EqualTo(e), $"round {round}, sample {i}: pixels stay in place");
                    Assert.That(masks[(i * plane) + e], Is.EqualTo(((from / plane * 5) + (e / Size * 3) + (e % Size)) % Classes), $"round {round}, sample {i}, pixel {e}: the class of the pixel shown");
                    if (from / plane == partner && partner != i)
                    {
                        pasted.Add(partnerClasses[e]);
                        fromPartner++;
                    }
                }

                if (partner != i && fromPartner > 0)
                {
                    Assert.That(pasted, Has.Count.EqualTo(1), $"round {round}, sample {i}: one class transplanted");
                    Assert.That(fromPartner, Is.EqualTo(partnerClasses.Count(c => c == pasted.First())), $"round {round}, sample {i}: every pixel of that class");
                    transplanted++;
                }
            }
        }

        Assert.That(transplanted, Is.GreaterThan(10), "most samples received a class");
    }

    /// <summary>
    /// Sequences of lengths 6 to 13: sample i's image [1, L_i] holds i·1000 + t, its frame labels [L_i] (t + 7i) mod 5
    /// and its values [2, L_i] the image's + 0.5. Padded to the longest and mixed with the plan drawn with the lengths,
    /// every valid output position's label and values are those of the position the image shows.
    /// </summary>
    [TestCase(typeof(CutMix))]
    [TestCase(typeof(FMix))]
    [TestCase(typeof(MultiCutMix))]
    [TestCase(typeof(GridMix))]
    public void Frame_labels_and_values_of_sequences_of_different_lengths_follow_the_images_at_every_valid_position(Type method)
    {
        IMixTransform policy = method == typeof(CutMix) ? new CutMix(mode: LambdaMode.Element)
            : method == typeof(FMix) ? new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup)
            : method == typeof(GridMix) ? new GridMix(mode: LambdaMode.Element)
            : new MultiCutMix(partners: 2);
        var collate = new MixCollate(policy, 13, Classes, options: new() { AlignedKeys = [AlignedKey.LabelMap("frames"), AlignedKey.Values("energy")] });
        var random = new Randomness.MixRandom(3);
        int fromPartners = 0;
        for (int round = 0; round < 5; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            int count = 2 + random.NextInt(6);
            int[] lengths = [.. Enumerable.Range(0, count).Select(_ => 6 + random.NextInt(8))];
            List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, count).Select(i =>
            {
                Tensor t = arange(lengths[i], dtype: ScalarType.Int64);
                return new Dictionary<string, Tensor>
                {
                    ["data"] = (t + (1000 * i)).to(ScalarType.Float32).reshape(1, lengths[i]),
                    ["label"] = tensor((long)(i % Classes)),
                    ["frames"] = (t + (7 * i)) % 5,
                    ["energy"] = (t + (1000 * i) + 0.5).to(ScalarType.Float32).expand(2, lengths[i]).contiguous(),
                };
            })];
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            int longest = lengths.Max();
            string what = $"{policy.GetType().Name}, round {round}, lengths [{string.Join(", ", lengths)}]";
            Assert.That((batch["frames"].shape, batch["energy"].shape), Is.EqualTo((new long[] { count, longest }, new long[] { count, 2, longest })), what);
            double[] images = Loaders.Values(batch["data"]), frames = Loaders.Values(batch["frames"]), energy = Loaders.Values(batch["energy"]);
            long[] outputLengths = batch[MixBatchKeys.OutputLengths].data<long>().ToArray();
            for (int b = 0; b < count; b++)
            {
                for (int t = 0; t < outputLengths[b]; t++)
                {
                    double shown = images[(b * longest) + t];
                    int source = (int)shown / 1000, position = (int)shown % 1000;
                    Assert.That(position, Is.EqualTo(t), $"{what}: output {b}, position {t} copied in place");
                    Assert.That(position, Is.LessThan(lengths[source]), $"{what}: output {b}, position {t} from sample {source}'s valid part");
                    Assert.That(frames[(b * longest) + t], Is.EqualTo((t + (7 * source)) % 5), $"{what}: output {b}, label at {t} (from sample {source})");
                    Assert.That((energy[(b * 2 * longest) + t], energy[(((b * 2) + 1) * longest) + t]), Is.EqualTo((shown + 0.5, shown + 0.5)), $"{what}: output {b}, values at {t}");
                    fromPartners += source != b ? 1 : 0;
                }
            }
        }

        Assert.That(fromPartners, Is.GreaterThan(20), "the partners supply positions");
    }
}
