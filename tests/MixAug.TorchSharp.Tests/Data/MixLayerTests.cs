using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Losses;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>MixLayer: MixModule's batch for the plan of ForBatch(seed, epoch, k), a pass-through in evaluation mode, usable inside a model.</summary>
public sealed class MixLayerTests
{
    private const ulong Seed = 31;
    private const int Classes = 6;
    private static readonly BatchShape Shape = new(6, 3, 12, 12);

    private static Tensor Labels() => tensor(new long[] { 0, 5, 2, 3, 1, 4 });

    [TestCase(false)]
    [TestCase(true)]
    public void Each_call_is_MixModules_batch_for_the_plan_of_ForBatch(bool compact)
    {
        var policy = new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new SaliencyMix(), 1), (new FMix(), 1));
        using var layer = new MixLayer(policy, Seed, Classes, smoothing: compact ? 0 : 0.1, compactTargets: compact);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = Labels();
        layer.StartEpoch(2);
        for (int k = 0; k < 4; k++)
        {
            using MixedBatch actual = layer.call(images, labels);
            using MixedBatch expected = new MixModule(policy, MixRandom.ForBatch(Seed, 2, k), Classes, compact ? 0 : 0.1, compact).Forward(images, labels);
            Assert.That(MixPlanJson.Serialize(actual.Plan), Is.EqualTo(MixPlanJson.Serialize(expected.Plan)), $"batch {k}");
            Assert.That(Batches.ToArray(actual.Images), Is.EqualTo(Batches.ToArray(expected.Images)));
            if (compact)
            {
                Assert.That(actual.Compact!.IndexB.data<long>().ToArray(), Is.EqualTo(expected.Compact!.IndexB.data<long>().ToArray()));
                Assert.That(actual.Compact.Lambda.data<float>().ToArray(), Is.EqualTo(expected.Compact.Lambda.data<float>().ToArray()));
            }
            else
            {
                Assert.That(Batches.ToArray(actual.Targets!), Is.EqualTo(Batches.ToArray(expected.Targets!)));
            }

            Assert.That(layer.LastBatch, Is.EqualTo(new MixBatchRecord(2, k, actual.Plan)));
        }

        Assert.That(layer.NextBatchIndex, Is.EqualTo(4));
    }

    [Test]
    public void In_evaluation_mode_nothing_is_mixed_or_counted()
    {
        using var layer = new MixLayer(new MixUp(mode: LambdaMode.Element), Seed, Classes, smoothing: 0.1);
        float[] values = Batches.Values(Shape);
        using Tensor images = Batches.ToTensor(values, Shape);
        using Tensor labels = Labels();
        using (MixedBatch first = layer.call(images, labels))
        {
        }

        var seen = new List<MixBatchRecord>();
        layer.BatchMixed += (_, record) => seen.Add(record);
        layer.eval();
        Assert.That(layer.training, Is.False);
        using (MixedBatch passed = layer.call(images, labels))
        {
            Assert.That(passed.Plan.MixedCount, Is.EqualTo(0));
            Assert.That(ReferenceEquals(passed.Images, images), Is.False, "a copy, as every MixAug output");
            Assert.That(Batches.ToArray(passed.Images), Is.EqualTo(values));
            float[] oneHot = new float[6 * Classes];
            long[] classes = labels.data<long>().ToArray();
            for (int i = 0; i < 6; i++)
            {
                oneHot[(i * Classes) + classes[i]] = 1f;
            }

            Assert.That(Batches.ToArray(passed.Targets!), Is.EqualTo(oneHot), "one-hot, without the training smoothing");
        }

        Assert.That((layer.NextBatchIndex, seen.Count), Is.EqualTo((1L, 0)), "evaluation calls are not batches of the run");
        layer.train();
        using MixedBatch second = layer.call(images, labels);
        using MixedBatch expected = new MixModule(layer.Policy, MixRandom.ForBatch(Seed, 0, 1), Classes, 0.1).Forward(images, labels);
        Assert.That(Batches.ToArray(second.Images), Is.EqualTo(Batches.ToArray(expected.Images)), "training resumes at batch 1");
        Assert.That(seen.Select(r => r.BatchIndex), Is.EqualTo(new[] { 1L }));
    }

    [Test]
    public void A_rejected_call_does_not_advance_the_count()
    {
        using var layer = new MixLayer(new CutMix(), Seed, Classes);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor int32 = zeros([6], ScalarType.Int32);
        using Tensor tooFew = zeros([5], ScalarType.Int64);
        Assert.That(() => layer.call(images, int32), Throws.ArgumentException.With.Property("ParamName").EqualTo("labels").And.Message.Contains("Int32"));
        Assert.That(() => layer.call(images, tooFew), Throws.ArgumentException.With.Property("ParamName").EqualTo("labels").And.Message.Contains("5 rows"));
        Assert.That((layer.NextBatchIndex, layer.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)));
        Assert.That(() => new MixLayer(null!, 1, Classes), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("policy"));
        Assert.That(() => new MixLayer(new CutMix(), 1, -2), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("classCount"));
        Assert.That(() => new MixLayer(new CutMix(), 1, Classes, smoothing: -0.1), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("smoothing"));
    }

    [Test]
    public void Inside_a_model_it_follows_train_and_eval_and_gradients_reach_the_model()
    {
        using var model = new Classifier(new MixLayer(new MixUp(mode: LambdaMode.Element), Seed, Classes));
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = Labels();
        Assert.That(model.named_children().Select(c => c.name), Does.Contain("mix"));

        using (DisposeScope scope = NewDisposeScope())
        {
            Tensor loss = model.call(images, labels);
            loss.backward();
            Assert.That(model.Head.weight!.grad, Is.Not.Null);
            Assert.That(model.Mix.NextBatchIndex, Is.EqualTo(1));
        }

        model.eval();
        Assert.That(model.Mix.training, Is.False);
        using (DisposeScope scope = NewDisposeScope())
        {
            model.call(images, labels);
        }

        Assert.That(model.Mix.NextBatchIndex, Is.EqualTo(1), "eval() reached the mixing layer");
    }

    [Test]
    public void Calls_leave_no_live_tensor_behind()
    {
        using var layer = new MixLayer(new MixChoice((new MixUp(), 1), (new CutMix(), 1)), Seed, Classes, compactTargets: true);
        using var saliency = new MixLayer(new SaliencyMix(), Seed, Classes);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = Labels();
        DisposeScopeManager.Statistics.Reset();
        for (int i = 0; i < 50; i++)
        {
            using MixedBatch batch = layer.call(images, labels);
        }

        for (int i = 0; i < 5; i++)
        {
            using MixedBatch batch = saliency.call(images, labels);
        }

        layer.eval();
        using (MixedBatch passed = layer.call(images, labels))
        {
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
    }

    /// <summary>A model that mixes its input first: the mixing layer registered as a submodule, then a linear head.</summary>
    private sealed class Classifier : nn.Module<Tensor, Tensor, Tensor>
    {
        // TorchSharp registers fields under their names: these two are the submodules "mix" and "head".
        private readonly MixLayer mix;
        private readonly global::TorchSharp.Modules.Linear head;

        public Classifier(MixLayer mix)
            : base(nameof(Classifier))
        {
            this.mix = mix;
            head = nn.Linear(Shape.SampleSize, Classes);
            RegisterComponents();
        }

        public MixLayer Mix => mix;

        public global::TorchSharp.Modules.Linear Head => head;

        public override Tensor forward(Tensor images, Tensor labels)
        {
            using MixedBatch batch = mix.call(images, labels);
            Tensor logits = head.call(batch.Images.flatten(1));
            return MixLosses.SoftTargetCrossEntropy(logits, batch.Targets!);
        }
    }
}
