using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>Ownership, dtypes, views and bad inputs of TorchMixer and MixModule (docs/ownership.md, D4 of the anchors).</summary>
public sealed class TorchMixerContractTests
{
    private static readonly BatchShape Shape = new(5, 3, 6, 7);

    private static MixPlan MixUpPlan() => new MixUp(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(1));

    [Test]
    public void Inside_a_scope_only_the_result_is_added_and_the_input_stays_alive_and_unchanged()
    {
        float[] values = Batches.Values(Shape);
        using Tensor images = Batches.ToTensor(values, Shape);
        foreach (MixPlan plan in new[] { MixUpPlan(), Batches.MixedRegions(Shape), new CutMix().CreatePlan(Shape, new MixRandom(2)) })
        {
            foreach (bool cpuKernels in new[] { true, false })
            {
                using (DisposeScope scope = NewDisposeScope())
                {
                    Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
                    Assert.That(scope.DisposablesCount, Is.EqualTo(1), $"{plan}, CpuMixer path {cpuKernels}");
                    Assert.That(ReferenceEquals(mixed, images), Is.False);
                }

                Assert.That(images.IsInvalid, Is.False);
                Assert.That(Batches.ToArray(images), Is.EqualTo(values));
            }
        }
    }

    [Test]
    public void Calls_leave_no_live_tensor_behind_but_their_results()
    {
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 1, 0 }, ScalarType.Int64);
        var module = new MixModule(new MixChoice((new MixUp(), 1), (new CutMix(), 1)), new MixRandom(3), classCount: 3);
        using (MixedBatch warm = module.Forward(images, labels))
        {
        }

        DisposeScopeManager.Statistics.Reset();
        for (int i = 0; i < 20; i++)
        {
            using MixedBatch batch = module.Forward(images, labels);
            using Tensor mixed = TorchMixer.Apply(Batches.MixedRegions(Shape), images, allowCpuKernels: false);
        }

        Assert.That(DisposeScopeManager.Statistics.ThreadTotalLiveCount, Is.EqualTo(0), DisposeScopeManager.Statistics.ToString());
    }

    [Test]
    public void A_plan_that_mixes_nothing_still_returns_a_fresh_copy()
    {
        var plan = new MixUp(probability: 0).CreatePlan(Shape, new MixRandom(4));
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        foreach (bool cpuKernels in new[] { true, false })
        {
            using Tensor mixed = TorchMixer.Apply(plan, images, cpuKernels);
            Assert.That(ReferenceEquals(mixed, images), Is.False);
            mixed.add_(1);
            Assert.That(Batches.ToArray(images), Is.EqualTo(Batches.Values(Shape)), "the copy shares memory with the input");
        }
    }

    [Test]
    public void Non_contiguous_views_are_mixed_as_their_values()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        float[] values = Batches.Values(Shape);
        var expected = new float[values.Length];
        CpuMixer.Apply(plan, values, expected);
        using Tensor images = Batches.ToTensor(values, Shape);

        // A channels-last copy viewed back as NCHW, and a slice of a wider batch: neither is contiguous.
        using Tensor channelsLast = images.permute(0, 2, 3, 1).contiguous();
        using Tensor permutedBack = channelsLast.permute(0, 3, 1, 2);
        using Tensor wide = cat([images, images], 3);
        using Tensor sliced = wide.narrow(3, 0, Shape.Width);
        foreach (Tensor view in new[] { permutedBack, sliced })
        {
            Assert.That(view.is_contiguous(), Is.False);
            using Tensor mixed = TorchMixer.Apply(plan, view);
            Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected));

            // A dense layout (channels-last) is kept, so no hidden contiguous copy; a view with gaps comes out contiguous.
            if (ReferenceEquals(view, permutedBack))
            {
                Assert.That(mixed.stride(), Is.EqualTo(view.stride()));
            }
            else
            {
                Assert.That(mixed.is_contiguous(), Is.True);
            }
        }
    }

    [TestCase(ScalarType.Float64)]
    [TestCase(ScalarType.Float16)]
    [TestCase(ScalarType.BFloat16)]
    public void Other_float_dtypes_keep_their_dtype_and_match_within_their_precision(ScalarType type)
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        float[] values = Batches.Values(Shape);
        using Tensor source = Batches.ToTensor(values, Shape);
        using Tensor images = source.to(type);
        float[] rounded = Batches.ToArray(images);
        var expected = new float[values.Length];
        CpuMixer.Apply(plan, rounded, expected);
        using Tensor mixed = TorchMixer.Apply(plan, images);
        Assert.That(mixed.dtype, Is.EqualTo(type));
        float tolerance = type switch { ScalarType.Float64 => 1e-6f, ScalarType.Float16 => 2e-3f, _ => 2e-2f };
        Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected).Within(tolerance));
    }

    [Test]
    public void Integer_batches_work_for_boxes_and_are_rejected_for_blends()
    {
        MixPlan cutmix = new CutMix(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(6));
        float[] values = Batches.Values(Shape).Select(v => MathF.Round((v + 2) * 60)).ToArray();
        var expected = new float[values.Length];
        CpuMixer.Apply(cutmix, values, expected);
        using Tensor floats = Batches.ToTensor(values, Shape);
        using Tensor bytes = floats.to(ScalarType.Byte);
        using Tensor mixed = TorchMixer.Apply(cutmix, bytes);
        Assert.That(mixed.dtype, Is.EqualTo(ScalarType.Byte));
        Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected));

        Assert.That(() => TorchMixer.Apply(MixUpPlan(), bytes), Throws.ArgumentException.With.Message.Contains("Byte").And.Message.Contains("Blend").And.Property("ParamName").EqualTo("images"));
    }

    [Test]
    public void Wrong_rank_shape_and_empty_batches_are_argument_exceptions()
    {
        // A box is drawn over 6x7: the tensor must end in [6, 7].
        MixPlan plan = new CutMix(mode: LambdaMode.Element).CreatePlan(Shape, new MixRandom(3));
        using Tensor rank1 = zeros(5);
        using Tensor rank3 = zeros(5, 3, 42);
        using Tensor wrongWidth = zeros(5, 3, 6, 8);
        using Tensor wrongBatch = zeros(4, 3, 6, 7);
        using Tensor empty = zeros(0, 3, 6, 7);
        Assert.That(() => TorchMixer.Apply(plan, rank1), Throws.ArgumentException.With.Message.Contains("rank 1").And.Message.Contains("[5, ..., 6, 7]"));
        Assert.That(() => TorchMixer.Apply(plan, rank3), Throws.ArgumentException.With.Message.Contains("[5, 3, 42]").And.Message.Contains("drawn over 6x7"));
        Assert.That(() => TorchMixer.Apply(plan, wrongWidth), Throws.ArgumentException.With.Message.Contains("[5, 3, 6, 8]").And.Message.Contains("[5, ..., 6, 7]"));
        Assert.That(() => TorchMixer.Apply(plan, wrongBatch), Throws.ArgumentException.With.Message.Contains("4 samples").And.Message.Contains("batch of 5"));
        Assert.That(() => TorchMixer.Apply(plan, empty), Throws.ArgumentException.With.Message.Contains("empty batch"));

        // A blend has no geometry: any [B, ...] tensor is mixed, a [B, D] feature vector too.
        MixPlan blends = MixUpPlan();
        using Tensor features = Batches.ToTensor(Batches.Values(new BatchShape(5, 1, 1, 42)), new BatchShape(5, 1, 1, 42)).reshape(5, 42);
        var expected = new float[5 * 42];
        CpuMixer.Apply(blends, Batches.ToArray(features), expected);
        using Tensor mixed = TorchMixer.Apply(blends, features, allowCpuKernels: false);
        Assert.That(mixed.shape, Is.EqualTo(new long[] { 5, 42 }));
        Assert.That(Batches.ToArray(mixed), Is.EqualTo(expected));

        var module = new MixModule(new MixUp(), new MixRandom(1), classCount: 3);
        using Tensor labels = zeros([0], ScalarType.Int64);
        using Tensor rank2 = zeros(5, 3);
        Assert.That(() => module.Forward(empty, labels), Throws.ArgumentException.With.Message.Contains("empty batch"));
        Assert.That(() => module.Forward(rank2, labels), Throws.ArgumentException.With.Message.Contains("rank 2"));
    }

    [Test]
    public void Label_count_mismatch_in_the_module_names_both_counts()
    {
        var module = new MixModule(new MixUp(), new MixRandom(1), classCount: 3);
        using Tensor images = zeros(5, 3, 6, 7);
        using Tensor labels = zeros([4], ScalarType.Int64);
        Assert.That(() => module.Forward(images, labels), Throws.ArgumentException.With.Message.Contains("[4]").And.Message.Contains("5 samples"));
    }

    [Test]
    public void Devices_must_match_without_an_implicit_copy()
    {
        // Only a CPU exists here: the comparison itself is tested, and the CPU pair passes through it.
        Assert.That(() => TensorChecks.SameDevice(DeviceType.CUDA, 0, DeviceType.CPU, -1, "labels"), Throws.ArgumentException.With.Message.Contains("labels is on cpu but the images are on cuda:0"));
        Assert.That(() => TensorChecks.SameDevice(DeviceType.CUDA, 0, DeviceType.CUDA, 1, "labels"), Throws.ArgumentException.With.Message.Contains("cuda:1"));
        Assert.That(() => TensorChecks.SameDevice(DeviceType.CPU, -1, DeviceType.CPU, 0, "labels"), Throws.Nothing);
    }

    [Test]
    public void ApplyInto_writes_the_same_pixels_and_refuses_shared_memory()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        float[] values = Batches.Values(Shape);
        var expected = new float[values.Length];
        CpuMixer.Apply(plan, values, expected);
        using Tensor images = Batches.ToTensor(values, Shape);
        using Tensor destination = empty_like(images);
        TorchMixer.ApplyInto(plan, images, destination);
        Assert.That(Batches.ToArray(destination), Is.EqualTo(expected));
        Assert.That(() => TorchMixer.ApplyInto(plan, images, images), Throws.ArgumentException.With.Message.Contains("shares memory"));
    }

    [Test]
    public void ApplyInPlace_leaves_the_pixels_of_Apply_in_the_tensor_on_both_paths()
    {
        MixPlan plan = Batches.MixedRegions(Shape);
        float[] values = Batches.Values(Shape);
        var expected = new float[values.Length];
        CpuMixer.Apply(plan, values, expected);
        using Tensor images = Batches.ToTensor(values, Shape);
        nint memory = MixAug.TorchSharp.Native.NativeTensor.DataPointer(images);
        TorchMixer.ApplyInPlace(plan, images);
        Assert.That(Batches.ToArray(images), Is.EqualTo(expected), "CPU kernels");
        Assert.That(MixAug.TorchSharp.Native.NativeTensor.DataPointer(images), Is.EqualTo(memory), "the same memory");

        // A strided view takes libtorch's path and is written back through the view.
        using Tensor wide = zeros(Shape.BatchSize, Shape.Channels, Shape.Height, 2 * Shape.Width);
        using Tensor view = wide[.., .., .., TensorIndex.Slice(0, null, 2)];
        view.copy_(Batches.ToTensor(values, Shape));
        TorchMixer.ApplyInPlace(plan, view);
        Assert.That(Batches.ToArray(view.contiguous()), Is.EqualTo(expected).Within(1e-6), "libtorch path, through the view");
        Assert.That(wide[.., .., .., TensorIndex.Slice(1, null, 2)].abs().sum().item<float>(), Is.EqualTo(0f), "the other columns untouched");
    }

    [Test]
    public void ApplyInPlace_refuses_gradients_overlaps_and_blended_integers_before_writing()
    {
        MixPlan blend = MixUpPlan();
        float[] values = Batches.Values(Shape);
        using Tensor grad = Batches.ToTensor(values, Shape).requires_grad_();
        Assert.That(() => TorchMixer.ApplyInPlace(blend, grad), Throws.ArgumentException.With.Message.Contains("requires grad").And.Property("ParamName").EqualTo("images"));
        using Tensor one = Batches.ToTensor(values, Shape)[..1];
        using Tensor expanded = one.expand(Shape.BatchSize, Shape.Channels, Shape.Height, Shape.Width);
        Assert.That(() => TorchMixer.ApplyInPlace(blend, expanded), Throws.ArgumentException.With.Message.Contains("stride 0 along dimension 0"));
        using Tensor bytes = Batches.ToTensor(values, Shape).mul(100).to(ScalarType.Byte);
        using Tensor before = bytes.clone();
        Assert.That(() => TorchMixer.ApplyInPlace(blend, bytes), Throws.ArgumentException.With.Property("ParamName").EqualTo("images"));
        Assert.That(bytes.equal(before).all().item<bool>(), Is.True, "nothing written");
    }

    [Test]
    public void Gradients_flow_through_the_libtorch_path()
    {
        MixPlan plan = MixUpPlan();
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape).requires_grad_();
        using Tensor mixed = TorchMixer.Apply(plan, images);
        using Tensor sum = mixed.sum();
        sum.backward();
        using Tensor grad = images.grad!;

        // d(sum)/dx[j] = λ_j + Σ_{i: p_i = j} (1 − λ_i) per element; with mutual flip pairs, λ_j + (1 − λ_{p_j}).
        float[] g = Batches.ToArray(grad);
        for (int j = 0; j < Shape.BatchSize; j++)
        {
            int i = Array.IndexOf(plan.Partners.ToArray(), j);
            double expected = (float)plan.Lambdas[j] + (float)(1 - plan.Lambdas[i]);
            Assert.That(g[j * Shape.SampleSize], Is.EqualTo(expected).Within(1e-6), $"sample {j}");
        }
    }

    [Test]
    public void The_module_returns_plan_images_and_targets_that_agree()
    {
        using Tensor images = Batches.ToTensor(Batches.Values(Shape), Shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 1, 0 }, ScalarType.Int64);
        var module = new MixModule(new MixUp(mode: LambdaMode.Element), MixRandom.ForBatch(9, 0, 0), classCount: 3, smoothing: 0.1);
        using MixedBatch batch = module.Forward(images, labels);
        using Tensor replay = TorchMixer.Apply(batch.Plan, images);
        Assert.That(Batches.ToArray(batch.Images), Is.EqualTo(Batches.ToArray(replay)));
        Assert.That(batch.Targets!.shape, Is.EqualTo(new long[] { 5, 3 }));
        using Tensor sums = batch.Targets.sum(1);
        Assert.That(Batches.ToArray(sums), Is.All.EqualTo(1f).Within(1e-6f));

        var again = new MixModule(new MixUp(mode: LambdaMode.Element), MixRandom.ForBatch(9, 0, 0), classCount: 3, smoothing: 0.1, compactTargets: true);
        using MixedBatch compact = again.Forward(images, labels);
        Assert.That(compact.Plan.Lambdas.ToArray(), Is.EqualTo(batch.Plan.Lambdas.ToArray()), "same seed, same plan");
        Assert.That(compact.Targets, Is.Null);
        Assert.That(compact.Compact!.Lambda.shape, Is.EqualTo(new long[] { 5 }));
    }
}
