using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// MixLayer with lengths (MixModule's batch for the plan of ForBatch, a pass-through in evaluation mode), and replays of
/// logged batches of sequences: the JSON of the record, applied to the padded batch, gives the same bits.
/// </summary>
public sealed class MixLayerLengthsTests
{
    private const ulong Seed = 44;
    private const int Classes = 3;
    private static readonly BatchShape Shape = BatchShape.Sequence(5, 4, 30);
    private static readonly long[] Lengths = [30, 12, 7, 30, 1];

    [Test]
    public void Each_training_call_is_MixModules_batch_with_lengths_for_the_plan_of_ForBatch()
    {
        var policy = new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element), 1));
        using var layer = new MixLayer(policy, Seed, Classes);
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 0, 1 });
        using Tensor lengths = tensor(Lengths);
        var records = new List<MixBatchRecord>();
        layer.BatchMixed += (_, record) => records.Add(record);
        layer.StartEpoch(1);
        for (int k = 0; k < 4; k++)
        {
            using MixedBatch actual = layer.forward(images, labels, lengths);
            using MixedBatch expected = new MixModule(policy, MixRandom.ForBatch(Seed, 1, k), Classes).Forward(images, labels, lengths);
            Assert.That(MixPlanJson.Serialize(actual.Plan), Is.EqualTo(MixPlanJson.Serialize(expected.Plan)), $"batch {k}");
            Assert.That(Batches.ToArray(actual.Images), Is.EqualTo(Batches.ToArray(expected.Images)), $"batch {k}");
            Assert.That(actual.OutputLengths!.data<long>().ToArray(), Is.EqualTo(actual.Plan.OutputLengths.ToArray().Select(l => (long)l)));
            Assert.That(actual.Plan.ValidLengths.ToArray().Select(l => (long)l), Is.EqualTo(Lengths));

            // The logged record alone replays the batch.
            MixPlan replayed = MixPlanJson.Parse(records[^1].ToJson());
            using Tensor again = TorchMixer.Apply(replayed, images);
            Assert.That(Batches.ToArray(again), Is.EqualTo(Batches.ToArray(actual.Images)), $"replay of batch {k}");
            Assert.That(replayed.OutputLengths.ToArray(), Is.EqualTo(actual.Plan.OutputLengths.ToArray()));
        }

        Assert.That(records.Select(r => (r.Epoch, r.BatchIndex)), Is.EqualTo(Enumerable.Range(0, 4).Select(k => (1L, (long)k))));
    }

    [Test]
    public void In_evaluation_mode_lengths_pass_through_and_nothing_is_counted()
    {
        using var layer = new MixLayer(new MixUp(mode: LambdaMode.Element), Seed, Classes);
        layer.eval();
        float[] values = Batches.Values(Shape);
        using Tensor images = Batches.ToTensor(values, Shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 0, 1 });
        using Tensor lengths = tensor(Lengths);
        using MixedBatch batch = layer.forward(images, labels, lengths);
        Assert.That(Batches.ToArray(batch.Images), Is.EqualTo(values));
        Assert.That(batch.OutputLengths!.data<long>().ToArray(), Is.EqualTo(Lengths));
        Assert.That(batch.Plan.Partners.ToArray(), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That((layer.NextBatchIndex, layer.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)));
    }

    [Test]
    public void A_rejected_call_does_not_advance_the_count()
    {
        using var layer = new MixLayer(new CutMix(), Seed, Classes);
        using Tensor images = zeros(5, 4, 30);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 0, 1 });
        using Tensor lengths = tensor(new long[] { 30, 12, 31, 30, 1 });
        var thrown = Assert.Throws<ArgumentOutOfRangeException>(() => layer.forward(images, labels, lengths))!;
        Assert.That(thrown.ParamName, Is.EqualTo("validLengths"));
        Assert.That(thrown.Message, Does.Contain("31").And.Contain("[1, 30]"));
        Assert.That(layer.NextBatchIndex, Is.EqualTo(0));
    }

    [Test]
    public void A_logged_collate_batch_of_clips_replays_from_its_json_to_the_same_bits()
    {
        RaggedSamples samples = RaggedSamples.Draw(new MixRandom(70), 6, clip: true, maxExtent: 7);
        var policy = new CutMix(mode: LambdaMode.Element, videoCut: VideoMixCut.SpatioTemporal);
        var collate = new MixCollate(policy, Seed, Classes);
        var logged = new List<string>();
        collate.BatchMixed += (_, record) => logged.Add(record.ToJson());
        using DisposeScope scope = NewDisposeScope();
        collate.StartEpoch(3);
        float[] first = Batches.ToArray(collate.Collate(samples.Dictionaries(Classes), CPU)["data"]);
        float[] second = Batches.ToArray(collate.Collate(samples.Dictionaries(Classes), CPU)["data"]);

        Tensor padded = Batches.ToTensor(samples.PaddedByHand(0), samples.Shape);
        Assert.That(Batches.ToArray(TorchMixer.Apply(MixPlanJson.Parse(logged[0]), padded)), Is.EqualTo(first));
        Assert.That(Batches.ToArray(TorchMixer.Apply(MixPlanJson.Parse(logged[1]), padded)), Is.EqualTo(second));
        Assert.That(MixPlanJson.Parse(logged[1]).ValidLengths.ToArray(), Is.EqualTo(samples.Extents));
        Assert.That(logged[0], Is.Not.EqualTo(logged[1]), "two batches, two plans");
    }
}
