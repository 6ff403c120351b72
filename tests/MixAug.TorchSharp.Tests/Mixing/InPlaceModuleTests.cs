using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Data;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// MixModule and MixLayer with <c>inPlace</c>: the same plans, images and targets as without it, left in the batch
/// passed in (on the CPU kernels' path and on libtorch's), a returned handle whose disposal leaves that batch alive,
/// and refusals of batches that cannot be written before anything is drawn or counted.
/// </summary>
public sealed class InPlaceModuleTests
{
    private const int Classes = 4;
    private static readonly BatchShape Shape = new(6, 3, 8, 9);

    private static IEnumerable<TestCaseData> Cases()
    {
        foreach (ScalarType type in new[] { ScalarType.Float32, ScalarType.Float64 })
        {
            yield return new TestCaseData(new CutMix(mode: LambdaMode.Element), type).SetArgDisplayNames("CutMix", type.ToString());
            yield return new TestCaseData(new MixUp(mode: LambdaMode.Element), type).SetArgDisplayNames("MixUp", type.ToString());
            yield return new TestCaseData(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup), type).SetArgDisplayNames("FMix", type.ToString());
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void The_module_leaves_what_it_would_return_in_the_batch(IMixTransform policy, ScalarType type)
    {
        var borrowed = new MixModule(policy, new MixRandom(5), Classes, smoothing: 0.1);
        var inPlace = new MixModule(policy, new MixRandom(5), Classes, smoothing: 0.1, inPlace: true);
        Assert.That((borrowed.InPlace, inPlace.InPlace), Is.EqualTo((false, true)));
        for (int k = 0; k < 3; k++)
        {
            using DisposeScope scope = NewDisposeScope();
            Tensor images = Batches.ToTensor(Batches.Values(Shape, (ulong)(10 + k)), Shape).to(type);
            Tensor labels = arange(Shape.BatchSize, dtype: ScalarType.Int64) % Classes;
            MixedBatch expected = borrowed.Forward(images, labels);
            MixedBatch actual = inPlace.Forward(images, labels);
            Assert.That(MixPlanJson.Serialize(actual.Plan), Is.EqualTo(MixPlanJson.Serialize(expected.Plan)), $"batch {k}: the plan");
            Assert.That(Loaders.Values(images), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}: the batch passed in holds the mix");
            Assert.That(Loaders.Values(actual.Images), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}: the returned images");
            Assert.That(Loaders.Values(actual.Targets!), Is.EqualTo(Loaders.Values(expected.Targets!)), $"batch {k}: the targets");
            actual.Dispose();
            Assert.That(images.IsInvalid, Is.False, $"batch {k}: disposing the result leaves the batch alive");
            Assert.That(Loaders.Values(images), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}: and its values");
        }
    }

    [Test]
    public void A_batch_that_cannot_be_written_is_refused_before_anything_is_drawn()
    {
        var module = new MixModule(new MixUp(mode: LambdaMode.Element), new MixRandom(9), Classes, inPlace: true);
        using DisposeScope scope = NewDisposeScope();
        float[] values = Batches.Values(Shape);
        Tensor labels = arange(Shape.BatchSize, dtype: ScalarType.Int64) % Classes;
        Tensor graded = Batches.ToTensor(values, Shape).requires_grad_();
        var e = Assert.Throws<ArgumentException>(() => module.Forward(graded, labels));
        Assert.That((e!.ParamName, e.Message.Contains("requires grad", StringComparison.Ordinal)), Is.EqualTo(("images", true)));
        Tensor expanded = Batches.ToTensor(values, Shape)[..1].expand(Shape.BatchSize, Shape.Channels, Shape.Height, Shape.Width);
        Assert.That(Assert.Throws<ArgumentException>(() => module.Forward(expanded, labels))!.Message, Does.Contain("stride 0"));

        // The generator is where it was: the next plan is a fresh module's first.
        MixedBatch next = module.Forward(Batches.ToTensor(values, Shape), labels);
        MixedBatch fresh = new MixModule(new MixUp(mode: LambdaMode.Element), new MixRandom(9), Classes).Forward(Batches.ToTensor(values, Shape), labels);
        Assert.That(MixPlanJson.Serialize(next.Plan), Is.EqualTo(MixPlanJson.Serialize(fresh.Plan)));
    }

    [Test]
    public void The_layer_mixes_the_loaders_batch_in_place_and_counts_as_without()
    {
        using var borrowed = new MixLayer(new CutMix(mode: LambdaMode.Element), 3, Classes);
        using var inPlace = new MixLayer(new CutMix(mode: LambdaMode.Element), 3, Classes, inPlace: true);
        Assert.That(inPlace.InPlace, Is.True);
        using DisposeScope scope = NewDisposeScope();
        Tensor labels = arange(Shape.BatchSize, dtype: ScalarType.Int64) % Classes;
        for (int k = 0; k < 2; k++)
        {
            Tensor images = Batches.ToTensor(Batches.Values(Shape, (ulong)(20 + k)), Shape);
            MixedBatch expected = borrowed.forward(images, labels);
            MixedBatch actual = inPlace.forward(images, labels);
            Assert.That(Loaders.Values(images), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}");
            Assert.That(Loaders.Values(actual.Images), Is.EqualTo(Loaders.Values(expected.Images)), $"batch {k}");
        }

        Assert.That(inPlace.NextBatchIndex, Is.EqualTo(borrowed.NextBatchIndex));

        // Evaluation mode keeps every sample: the batch is left as it was, and the handle shows it.
        inPlace.eval();
        float[] values = Batches.Values(Shape, 30);
        Tensor kept = Batches.ToTensor(values, Shape);
        MixedBatch passed = inPlace.forward(kept, labels);
        Assert.That(Batches.ToArray(kept), Is.EqualTo(values));
        Assert.That(Batches.ToArray(passed.Images), Is.EqualTo(values));
    }
}
