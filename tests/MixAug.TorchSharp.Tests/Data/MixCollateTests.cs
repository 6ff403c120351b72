using MixAug.Labels;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>MixCollate called directly: its batch is exactly TorchMixer's and TorchLabelMixer's for the plan of ForBatch(seed, epoch, k).</summary>
public sealed class MixCollateTests
{
    private const ulong Seed = 1234;
    private const int Classes = 5;

    private static IEnumerable<TestCaseData> Policies()
    {
        yield return new TestCaseData(new MixUp(alpha: 0.8, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation)).SetName("MixUp per sample");
        yield return new TestCaseData(new CutMix(mode: LambdaMode.Element)).SetName("CutMix per sample");
        yield return new TestCaseData(new FMix(maxSoft: 0.2, mode: LambdaMode.Pair)).SetName("FMix soft");
        yield return new TestCaseData(new SaliencyMix(mode: LambdaMode.Element)).SetName("SaliencyMix (device saliency)");
        yield return new TestCaseData(new MixChoice((new MixUp(), 1), (new CutMix(), 1))).SetName("MixChoice");
    }

    /// <summary>Seven samples [3, 12, 10] of one dataset, as a loader would hand them over.</summary>
    private static List<Dictionary<string, Tensor>> Samples(InMemoryDataset data, int first = 0, int count = 7) =>
        [.. Enumerable.Range(first, count).Select(i => data.GetTensor(i))];

    private static (Tensor Images, Tensor Labels) Stack(List<Dictionary<string, Tensor>> samples) =>
        (stack(samples.Select(s => s["data"])), stack(samples.Select(s => s["label"])));

    [TestCaseSource(nameof(Policies))]
    public void A_batch_is_exactly_TorchMixer_and_TorchLabelMixer_on_the_plan_of_ForBatch(IMixTransform policy)
    {
        using InMemoryDataset data = InMemoryDataset.Images(14, 3, 12, 10, Classes);
        var collate = new MixCollate(policy, Seed, Classes, smoothing: 0.1);
        collate.StartEpoch(3);
        for (int k = 0; k < 2; k++)
        {
            using DisposeScope scope = NewDisposeScope();
            List<Dictionary<string, Tensor>> samples = Samples(data, first: 7 * k);
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            (Tensor images, Tensor labels) = Stack(samples);
            using Loaders.Expected expected = Loaders.Expect(policy, Seed, 3, k, images, labels, Classes, 0.1);

            Assert.That(batch.Keys, Is.EquivalentTo(new[] { "data", "label", MixBatchKeys.Targets, MixBatchKeys.Sources, MixBatchKeys.Weights }));
            Assert.That(batch["data"].dtype, Is.EqualTo(ScalarType.Float32));
            Assert.That(batch["data"].shape, Is.EqualTo(new long[] { 7, 3, 12, 10 }));
            Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}: images");
            Assert.That(Loaders.Values(batch[MixBatchKeys.Targets]), Is.EqualTo(Loaders.Values(expected.Targets)), $"batch {k}: targets");
            Assert.That(batch["label"].dtype, Is.EqualTo(ScalarType.Int64));
            Assert.That(Loaders.Values(batch["label"]), Is.EqualTo(Loaders.Values(labels)), "the original labels");
            Assert.That(collate.LastBatch, Is.Not.Null);
            Assert.That(collate.LastBatch!.ToJson(), Is.EqualTo(MixPlanJson.Serialize(expected.Plan)), $"batch {k}: the plan on record");
            Assert.That((collate.LastBatch.Epoch, collate.LastBatch.BatchIndex), Is.EqualTo((3L, (long)k)));
            Assert.That(collate.NextBatchIndex, Is.EqualTo(k + 1));
        }
    }

    [Test]
    public void The_mix_record_holds_the_plans_sources_and_weights_padded_with_the_sample_itself()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 1, 12, 10, Classes);
        MixPlan plan = FixedPlan.SeveralSources(new SpatialShape(12, 10));
        var collate = new MixCollate(new FixedPlan(plan), Seed, Classes);
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(data);
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        (Tensor images, _) = Stack(samples);
        using Tensor expectedImages = TorchMixer.Apply(plan, images);
        Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expectedImages)));

        Assert.That(plan.MaxSourceCount, Is.EqualTo(4));
        Assert.That(batch[MixBatchKeys.Sources].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(batch[MixBatchKeys.Weights].dtype, Is.EqualTo(ScalarType.Float64));
        Assert.That(batch[MixBatchKeys.Sources].shape, Is.EqualTo(new long[] { 7, 4 }));
        Assert.That(batch[MixBatchKeys.Weights].shape, Is.EqualTo(new long[] { 7, 4 }));
        long[] sources = batch[MixBatchKeys.Sources].data<long>().ToArray();
        double[] weights = batch[MixBatchKeys.Weights].data<double>().ToArray();
        Assert.That(sources, Is.EqualTo(new long[] { 0, 3, 5, 0, /**/ 1, 2, 4, 6, /**/ 2, 2, 2, 2, /**/ 3, 0, 3, 3, /**/ 4, 4, 4, 4, /**/ 5, 0, 1, 5, /**/ 6, 6, 6, 6 }));
        for (int i = 0; i < 7; i++)
        {
            int n = plan.Sources(i).Length;
            double[] expected = [.. plan.Weights(i).ToArray(), .. Enumerable.Repeat(0.0, 4 - n)];
            Assert.That(weights.Skip(i * 4).Take(4), Is.EqualTo(expected), $"sample {i}: exactly the plan's doubles, then zeros");
        }
    }

    [Test]
    public void Compact_targets_are_LabelMixers_a_b_and_lambda()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 3, 8, 8, Classes);
        var collate = new MixCollate(new MixUp(mode: LambdaMode.Element), Seed, Classes, compactTargets: true);
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(data);
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        int[] labels = [.. samples.Select(s => (int)s["label"].item<long>())];
        MixedTargets expected = LabelMixer.ToCompact(collate.LastBatch!.Plan, labels, Classes);

        Assert.That(batch.Keys, Is.EquivalentTo(new[] { "data", "label", MixBatchKeys.TargetsA, MixBatchKeys.TargetsB, MixBatchKeys.Lambda, MixBatchKeys.Sources, MixBatchKeys.Weights }));
        Assert.That(batch[MixBatchKeys.TargetsA].data<long>().ToArray(), Is.EqualTo(expected.IndexA.ToArray().Select(v => (long)v)));
        Assert.That(batch[MixBatchKeys.TargetsB].data<long>().ToArray(), Is.EqualTo(expected.IndexB.ToArray().Select(v => (long)v)));
        Assert.That(batch[MixBatchKeys.Lambda].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(batch[MixBatchKeys.Lambda].data<float>().ToArray(), Is.EqualTo(expected.Lambda.ToArray()));
    }

    [Test]
    public void Compact_targets_feed_the_losses_that_take_CompactTargetTensors()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 3, 8, 8, Classes);
        var collate = new MixCollate(new CutMix(mode: LambdaMode.Element), Seed, Classes, compactTargets: true);
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(data);
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        (_, Tensor labels) = Stack(samples);
        Tensor logits = arange(7 * Classes, ScalarType.Float32).reshape(7, Classes).sin();
        CompactTargetTensors held = MixCollate.CompactTargetsOf(batch);
        Assert.That(ReferenceEquals(held.Lambda, batch[MixBatchKeys.Lambda]), Is.True, "the batch's own tensors");
        using CompactTargetTensors expected = TorchLabelMixer.ToCompact(collate.LastBatch!.Plan, labels, Classes);
        Assert.That(MixLosses.MixedCrossEntropy(logits, held).item<float>(), Is.EqualTo(MixLosses.MixedCrossEntropy(logits, expected).item<float>()));

        var dense = new MixCollate(new CutMix(), Seed, Classes);
        Dictionary<string, Tensor> denseBatch = dense.Collate(samples, CPU);
        Assert.That(() => MixCollate.CompactTargetsOf(denseBatch), Throws.ArgumentException.With.Property("ParamName").EqualTo("batch").And.Message.Contains("'targets_a'"));
    }

    [Test]
    public void Soft_labels_give_TorchLabelMixers_targets()
    {
        using InMemoryDataset data = InMemoryDataset.Images(6, 3, 8, 8, 3);
        var soft = new List<Dictionary<string, Tensor>>();
        for (int i = 0; i < 6; i++)
        {
            float[] row = new float[3];
            row[i % 3] = 0.75f;
            row[(i + 1) % 3] = 0.25f;
            soft.Add(new Dictionary<string, Tensor> { ["data"] = data.GetTensor(i)["data"], ["label"] = tensor(row) });
        }

        var policy = new CutMix(mode: LambdaMode.Element);
        var collate = new MixCollate(policy, Seed, 3, smoothing: 0.1);
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(soft, CPU);
        (Tensor images, Tensor labels) = Stack(soft);
        using Loaders.Expected expected = Loaders.Expect(policy, Seed, 0, 0, images, labels, 3, 0.1);
        Assert.That(batch["label"].shape, Is.EqualTo(new long[] { 6, 3 }));
        Assert.That(Loaders.Values(batch[MixBatchKeys.Targets]), Is.EqualTo(Loaders.Values(expected.Targets)));
        Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)));
    }

    [Test]
    public void StartEpoch_restarts_the_count_and_the_same_epoch_gives_the_same_plans()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 3, 8, 8, Classes);
        var collate = new MixCollate(new MixUp(mode: LambdaMode.Element), Seed, Classes);
        var seen = new List<MixBatchRecord>();
        collate.BatchMixed += (sender, record) =>
        {
            Assert.That(sender, Is.SameAs(collate));
            seen.Add(record);
        };

        string[] Epoch(long epoch)
        {
            collate.StartEpoch(epoch);
            return [.. Enumerable.Range(0, 3).Select(_ =>
            {
                using DisposeScope scope = NewDisposeScope();
                collate.Collate(Samples(data), CPU);
                return collate.LastBatch!.ToJson();
            })];
        }

        string[] first = Epoch(0), second = Epoch(1), again = Epoch(0);
        Assert.That(again, Is.EqualTo(first), "epoch 0 twice: the same three plans");
        Assert.That(second.Intersect(first), Is.Empty, "epoch 1 draws other plans");
        Assert.That(first.Distinct().Count(), Is.EqualTo(3), "the batches of an epoch differ");
        Assert.That(seen.Select(r => (r.Epoch, r.BatchIndex)), Is.EqualTo(new[] { (0L, 0L), (0L, 1L), (0L, 2L), (1L, 0L), (1L, 1L), (1L, 2L), (0L, 0L), (0L, 1L), (0L, 2L) }));
        Assert.That(seen.Select(r => r.ToJson()), Is.EqualTo(first.Concat(second).Concat(again)));
        Assert.That(() => collate.StartEpoch(-1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epoch"));
    }

    [Test]
    public void Without_StartEpoch_the_count_goes_on_through_epoch_zero()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 3, 8, 8, Classes);
        var collate = new MixCollate(new MixUp(), Seed, Classes);
        for (int k = 0; k < 4; k++)
        {
            using DisposeScope scope = NewDisposeScope();
            collate.Collate(Samples(data), CPU);
        }

        Assert.That((collate.Epoch, collate.NextBatchIndex), Is.EqualTo((0L, 4L)));
        MixPlan expected = new MixUp().CreatePlan(new BatchShape(7, 3, 8, 8), MixRandom.ForBatch(Seed, 0, 3));
        Assert.That(collate.LastBatch!.ToJson(), Is.EqualTo(MixPlanJson.Serialize(expected)));
    }

    [Test]
    public void Uint8_images_become_float32_divided_by_255_before_mixing()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 1, 8, 8, Classes, ScalarType.Byte);
        var policy = new MixUp(mode: LambdaMode.Element);
        var collate = new MixCollate(policy, Seed, Classes);
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(data);
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        (Tensor bytes, Tensor labels) = Stack(samples);
        Assert.That(bytes.dtype, Is.EqualTo(ScalarType.Byte));
        Tensor unit = bytes.to(ScalarType.Float32).div_(255f);
        using Loaders.Expected expected = Loaders.Expect(policy, Seed, 0, 0, unit, labels, Classes, 0);

        Assert.That(batch["data"].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)));
        Assert.That(batch["data"].min().item<float>(), Is.GreaterThanOrEqualTo(0f));
        Assert.That(batch["data"].max().item<float>(), Is.LessThanOrEqualTo(1f));
    }

    [Test]
    public void Uint8_images_kept_as_bytes_are_mixed_exactly_by_selecting_plans_and_rejected_by_blends()
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 1, 8, 8, Classes, ScalarType.Byte);
        var keep = new MixCollateOptions { ByteImages = ByteImages.Keep };
        var cutMix = new CutMix(mode: LambdaMode.Element);
        var collate = new MixCollate(cutMix, Seed, Classes, options: keep);
        using DisposeScope scope = NewDisposeScope();
        List<Dictionary<string, Tensor>> samples = Samples(data);
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        (Tensor bytes, Tensor labels) = Stack(samples);
        using Loaders.Expected expected = Loaders.Expect(cutMix, Seed, 0, 0, bytes, labels, Classes, 0);
        Assert.That(batch["data"].dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)));

        var blends = new MixCollate(new MixUp(), Seed, Classes, options: keep);
        Assert.That(
            () => blends.Collate(samples, CPU),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("data").And.Message.Contains("ByteImages.ToUnitFloat").And.Message.Contains("MixUp"));
        Assert.That((blends.NextBatchIndex, blends.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "a rejected batch leaves the count alone");
    }

    [Test]
    public void Custom_keys_are_read_and_written_back_and_other_keys_are_dropped()
    {
        using InMemoryDataset data = InMemoryDataset.Images(4, 3, 8, 8, Classes);
        List<Dictionary<string, Tensor>> samples = [.. Samples(data, count: 4).Select(s => new Dictionary<string, Tensor> { ["image"] = s["data"], ["y"] = s["label"], ["id"] = s["label"] })];
        var collate = new MixCollate(new CutMix(), Seed, Classes, options: new MixCollateOptions { ImagesKey = "image", LabelsKey = "y" });
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        Assert.That(batch.Keys, Is.EquivalentTo(new[] { "image", "y", MixBatchKeys.Targets, MixBatchKeys.Sources, MixBatchKeys.Weights }));
    }

    [TestCase(ScalarType.Byte)]
    [TestCase(ScalarType.Float32)] // the collate mixes its own stacked batch in place: never the samples
    public void Inside_a_scope_only_the_outputs_are_added_and_the_samples_stay_alive_and_unchanged(ScalarType type)
    {
        using InMemoryDataset data = InMemoryDataset.Images(7, 3, 8, 8, Classes, type);
        List<Dictionary<string, Tensor>> samples = Samples(data);
        double[][] before = [.. samples.Select(s => Loaders.Values(s["data"]))];
        foreach (IMixTransform policy in new IMixTransform[] { new MixUp(mode: LambdaMode.Element), new SaliencyMix(), new CutMix() })
        {
            foreach (bool compact in new[] { false, true })
            {
                var collate = new MixCollate(policy, Seed, Classes, compactTargets: compact);
                using DisposeScope scope = NewDisposeScope();
                Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
                Assert.That(scope.DisposablesCount, Is.EqualTo(batch.Count), $"{policy.Name}, compact {compact}: only the {batch.Count} outputs");
                Assert.That(batch.Values.All(t => scope.Contains(t)), Is.True);
            }
        }

        Assert.That(samples.All(s => !s["data"].IsInvalid && !s["label"].IsInvalid), Is.True);
        Assert.That(samples.Select(s => Loaders.Values(s["data"])), Is.EqualTo(before));
    }

    [Test]
    public void Many_batches_leave_no_live_tensor_behind()
    {
        using InMemoryDataset data = InMemoryDataset.Images(8, 3, 16, 16, Classes, ScalarType.Byte);
        List<Dictionary<string, Tensor>> samples = Samples(data, count: 8);
        var collate = new MixCollate(new MixChoice((new MixUp(), 1), (new CutMix(), 1), (new FMix(), 1)), Seed, Classes, smoothing: 0.1);
        var saliency = new MixCollate(new SaliencyMix(), Seed, Classes, compactTargets: true);
        using (DisposeScope warm = NewDisposeScope())
        {
            collate.Collate(samples, CPU);
            saliency.Collate(samples, CPU);
        }

        DisposeScopeManager.Statistics.Reset();
        for (int i = 0; i < 300; i++)
        {
            using DisposeScope scope = NewDisposeScope();
            collate.Collate(samples, CPU);
        }

        for (int i = 0; i < 10; i++)
        {
            using DisposeScope scope = NewDisposeScope();
            saliency.Collate(samples, CPU);
        }

        for (int i = 0; i < 20; i++)
        {
            Dictionary<string, Tensor> unscoped = collate.Collate(samples, CPU);
            foreach (Tensor t in unscoped.Values)
            {
                t.Dispose();
            }
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
        Assert.That(collate.NextBatchIndex, Is.EqualTo(321));
    }
}
