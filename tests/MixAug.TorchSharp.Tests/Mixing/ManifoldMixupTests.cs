using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Mixing;

/// <summary>
/// Manifold Mixup on small models with fixed weights: every expected value is computed by hand (in C# doubles, or with
/// separate parameter copies for gradients), never by running the code under test a second way.
/// </summary>
public class ManifoldMixupTests
{
    /// <summary>A policy that returns a hand-made plan for whatever shape it is asked about, and records that shape.</summary>
    private sealed class HandPlan(Func<BatchShape, MixPlan> make) : IMixTransform
    {
        public List<BatchShape> Asked { get; } = [];

        public string Name => "Hand";

        public FeatureRequirements Requirements => FeatureRequirements.None;

        public MixPlan CreatePlan(MixRequest request)
        {
            Asked.Add(request.Shape);
            return make(request.Shape);
        }
    }

    /// <summary>A model that runs its layer with forward() instead of call(), so TorchSharp fires no hook.</summary>
    private sealed class ForwardOnly : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _fc;

        public ForwardOnly()
            : base(nameof(ForwardOnly))
        {
            _fc = nn.Linear(2, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _fc.forward(input);
    }

    /// <summary>A model that runs one layer twice through call() (a shared block).</summary>
    private sealed class Twice : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _fc;

        public Twice()
            : base(nameof(Twice))
        {
            _fc = nn.Linear(2, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _fc.call(_fc.call(input));
    }

    private static readonly float[,] W1 = { { 1, 0 }, { 0, 1 }, { 1, 1 } };
    private static readonly float[] B1 = [0, 0.5f, -1];
    private static readonly float[] W2 = [1, 2, 3];
    private const float B2 = 0.5f;

    /// <summary>fc1: 2 → 3, relu, fc2: 3 → 1, with the weights above.</summary>
    private static nn.Module<Tensor, Tensor> VectorModel()
    {
        var fc1 = nn.Linear(2, 3);
        var fc2 = nn.Linear(3, 1);
        using (no_grad())
        {
            fc1.weight!.copy_(tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]));
            fc1.bias!.copy_(tensor(B1));
            fc2.weight!.copy_(tensor(W2, [1, 3]));
            fc2.bias!.copy_(tensor(new[] { B2 }));
        }

        return nn.Sequential(("fc1", fc1), ("act", nn.ReLU()), ("fc2", fc2));
    }

    private static readonly float[,] X = { { 1, 2 }, { 3, -1 }, { 0.5f, 0.5f } };

    /// <summary>relu(fc1(x)) of sample i, by hand.</summary>
    private static double[] Hidden(int i) =>
        [.. Enumerable.Range(0, 3).Select(j => Math.Max(0, (W1[j, 0] * X[i, 0]) + (W1[j, 1] * X[i, 1]) + B1[j]))];

    private static double Output(double[] h) => (W2[0] * h[0]) + (W2[1] * h[1]) + (W2[2] * h[2]) + B2;

    private static Tensor Inputs() => tensor(new float[] { 1, 2, 3, -1, 0.5f, 0.5f }, [3, 2]);

    private static Tensor Labels() => tensor(new long[] { 0, 1, 1 });

    /// <summary>Partners 1, 2, 0 with λ 0.25, 0.5, 1 (the last one kept).</summary>
    private static MixPlan Blend(BatchShape shape) =>
        new(shape.Spatial, [1, 2, 2], [0.25, 0.5, 1], [MixRegion.Blend, MixRegion.Blend, MixRegion.Keep]);

    [Test]
    public void A_vector_layer_is_blended_and_the_next_layer_sees_the_blend()
    {
        using var model = VectorModel();
        var policy = new HandPlan(Blend);
        var manifold = new ManifoldMixup(model, ["act"], policy, classCount: 2);
        using Tensor x = Inputs(), y = Labels();
        using ManifoldMixedBatch batch = manifold.Forward(x, y, new MixRandom(1));

        Assert.That(batch.Layer, Is.EqualTo("act"));
        Assert.That(policy.Asked, Has.Count.EqualTo(1));
        Assert.That(policy.Asked[0].ToDimensions(), Is.EqualTo(new[] { 3, 1, 3 }), "a [B, D] vector is one channel of length D");
        double[] lambdas = [0.25, 0.5, 1];
        int[] partners = [1, 2, 2];
        float[] logits = batch.Logits.data<float>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            double[] own = Hidden(i), other = Hidden(partners[i]);
            double[] mixed = [.. own.Zip(other, (a, b) => (lambdas[i] * a) + ((1 - lambdas[i]) * b))];
            Assert.That(logits[i], Is.EqualTo(Output(mixed)).Within(1e-5), $"sample {i}: fc2(λ·h + (1 − λ)·h[partner])");
        }

        // Targets from the same plan: sample 0 is 0.25 of class 0 and 0.75 of class 1 (its partner's).
        float[] targets = batch.Targets.data<float>().ToArray();
        Assert.That(targets, Is.EqualTo(new[] { 0.25f, 0.75f, 0, 1, 0, 1 }).Within(1e-6));
    }

    [Test]
    public void The_hook_is_gone_after_the_step()
    {
        using var model = VectorModel();
        var manifold = new ManifoldMixup(model, ["act"], new HandPlan(Blend), classCount: 2);
        using Tensor x = Inputs(), y = Labels();
        manifold.Forward(x, y, new MixRandom(1)).Dispose();
        using Tensor after = model.call(x);
        float[] values = after.data<float>().ToArray();
        for (int i = 0; i < 3; i++)
        {
            Assert.That(values[i], Is.EqualTo(Output(Hidden(i))).Within(1e-5), $"sample {i}: unmixed once the step is over");
        }
    }

    [Test]
    public void Gradients_reach_the_layers_before_the_mix()
    {
        using var model = VectorModel();
        var manifold = new ManifoldMixup(model, ["act"], new HandPlan(Blend), classCount: 2);
        using Tensor x = Inputs(), y = Labels();
        using (ManifoldMixedBatch batch = manifold.Forward(x, y, new MixRandom(1)))
        using (Tensor loss = batch.Logits.sum())
        {
            loss.backward();
        }

        // The same sum by hand with copies of the parameters: d/dW1 of Σ_i fc2(λ_i·h_i + (1 − λ_i)·h_p(i)).
        using Tensor w1 = tensor(new float[] { 1, 0, 0, 1, 1, 1 }, [3, 2]).requires_grad_(true);
        using Tensor b1 = tensor(B1);
        using Tensor w2 = tensor(W2, [1, 3]);
        using (Tensor h = nn.functional.relu(x.matmul(w1.t()).add(b1)))
        using (Tensor lambda = tensor(new float[] { 0.25f, 0.5f, 1 }).unsqueeze(1))
        using (Tensor mixed = h.mul(lambda).add(h.index_select(0, tensor(new long[] { 1, 2, 2 })).mul(lambda.neg().add(1))))
        using (Tensor total = mixed.matmul(w2.t()).add(B2).sum())
        {
            total.backward();
        }

        var fc1 = (nn.Module)model.named_modules().Single(m => m.name == "fc1").module;
        Tensor grad = fc1.named_parameters().Single(p => p.name == "weight").parameter.grad!;
        Assert.That(grad.data<float>().ToArray(), Is.EqualTo(w1.grad!.data<float>().ToArray()).Within(1e-5));
        Assert.That(grad.abs().sum().item<float>(), Is.GreaterThan(0));
    }

    /// <summary>conv1 (1×1, ×2) → max-pool 2 → conv2 (1×1, +1): the map the hook sees is 2×2, not the input's 4×4.</summary>
    [Test]
    public void A_feature_map_gets_a_box_drawn_for_the_maps_extent()
    {
        var conv1 = nn.Conv2d(1, 1, 1);
        var conv2 = nn.Conv2d(1, 1, 1);
        using (no_grad())
        {
            conv1.weight!.fill_(2);
            conv1.bias!.fill_(0);
            conv2.weight!.fill_(1);
            conv2.bias!.fill_(1);
        }

        using var model = nn.Sequential(("conv1", conv1), ("pool", nn.MaxPool2d(2)), ("conv2", conv2));
        // Sample 0 takes its partner's top-left cell (one of four: λ 0.75); sample 1 is kept.
        var policy = new HandPlan(shape => new MixPlan(shape.Spatial, [1, 1], [0.75, 1], [new BoxRegion(0, 0, 1, 1), MixRegion.Keep]));
        var manifold = new ManifoldMixup(model, ["pool"], policy, classCount: 2);
        float[] pixels = [.. Enumerable.Range(0, 32).Select(v => (float)v)];
        using Tensor x = tensor(pixels, [2, 1, 4, 4]), y = tensor(new long[] { 0, 1 });
        using ManifoldMixedBatch batch = manifold.Forward(x, y, new MixRandom(1));

        Assert.That(policy.Asked.Single().ToDimensions(), Is.EqualTo(new[] { 2, 1, 2, 2 }));
        // Pooled maps by hand: max of each 2×2 block is its bottom-right pixel, 2·(16·i + 4·(2r + 1) + 2c + 1).
        double Pooled(int i, int r, int c) => 2 * ((16 * i) + (4 * ((2 * r) + 1)) + (2 * c) + 1);
        float[] output = batch.Logits.data<float>().ToArray();
        double[] expected =
        [
            Pooled(1, 0, 0) + 1, Pooled(0, 0, 1) + 1, Pooled(0, 1, 0) + 1, Pooled(0, 1, 1) + 1,
            Pooled(1, 0, 0) + 1, Pooled(1, 0, 1) + 1, Pooled(1, 1, 0) + 1, Pooled(1, 1, 1) + 1,
        ];
        Assert.That(output, Is.EqualTo(expected).Within(1e-4));
        Assert.That(batch.Targets.data<float>().ToArray(), Is.EqualTo(new[] { 0.75f, 0.25f, 0, 1 }).Within(1e-6));
    }

    [Test]
    public void CutMix_on_a_feature_map_draws_over_the_map()
    {
        using var model = nn.Sequential(("conv", nn.Conv2d(1, 2, 3, padding: 1)), ("pool", nn.MaxPool2d(2)), ("flat", nn.Flatten()), ("fc", nn.Linear(2 * 3 * 3, 2)));
        var manifold = new ManifoldMixup(model, ["pool"], new CutMix(1.0), classCount: 2);
        using Tensor x = rand(4, 1, 6, 6), y = tensor(new long[] { 0, 1, 0, 1 });
        using ManifoldMixedBatch batch = manifold.Forward(x, y, new MixRandom(5));
        Assert.That(batch.Plan.Spatial, Is.EqualTo(new SpatialShape(3, 3)));
        Assert.That(batch.Logits.shape, Is.EqualTo(new long[] { 4, 2 }));
    }

    [Test]
    public void The_layer_is_drawn_first_from_the_batch_generator_and_replays()
    {
        using var model = VectorModel();
        var manifold = new ManifoldMixup(model, ["fc1", "act"], new MixUp(1.0), classCount: 2, mixInput: true);
        using Tensor x = Inputs(), y = Labels();
        var seen = new HashSet<string>();
        for (int step = 0; step < 12; step++)
        {
            using ManifoldMixedBatch first = manifold.Forward(x, y, MixRandom.ForBatch(7, 0, step));
            using ManifoldMixedBatch again = manifold.Forward(x, y, MixRandom.ForBatch(7, 0, step));
            Assert.That(again.Layer, Is.EqualTo(first.Layer), $"step {step}: the layer replays");
            Assert.That(again.Plan.Lambdas.ToArray(), Is.EqualTo(first.Plan.Lambdas.ToArray()), $"step {step}: the plan replays");
            Assert.That(again.Logits.data<float>().ToArray(), Is.EqualTo(first.Logits.data<float>().ToArray()));

            // The layer is the generator's first draw: NextInt over input, fc1, act.
            int candidate = MixRandom.ForBatch(7, 0, step).NextInt(3);
            Assert.That(first.Layer, Is.EqualTo(candidate == 0 ? null : manifold.Layers[candidate - 1]));
            seen.Add(first.Layer ?? "input");
        }

        Assert.That(seen, Is.EquivalentTo(new[] { "input", "fc1", "act" }), "twelve steps reach every candidate");
    }

    [Test]
    public void Mixing_at_the_input_blends_the_images()
    {
        using var model = VectorModel();
        var scripted = new ScriptedRandom().WithInts(0);
        var manifold = new ManifoldMixup(model, ["act"], new HandPlan(Blend), classCount: 2, mixInput: true);
        using Tensor x = Inputs(), y = Labels();
        using ManifoldMixedBatch batch = manifold.Forward(x, y, scripted);
        Assert.That(batch.Layer, Is.Null);
        Assert.That(batch.Plan.Spatial, Is.EqualTo(SpatialShape.Sequence(2)), "the [B, 2] input is drawn like a vector");
        float[] logits = batch.Logits.data<float>().ToArray();
        double[] lambdas = [0.25, 0.5, 1];
        int[] partners = [1, 2, 2];
        for (int i = 0; i < 3; i++)
        {
            double a = (lambdas[i] * X[i, 0]) + ((1 - lambdas[i]) * X[partners[i], 0]);
            double b = (lambdas[i] * X[i, 1]) + ((1 - lambdas[i]) * X[partners[i], 1]);
            double[] h = [.. Enumerable.Range(0, 3).Select(j => Math.Max(0, (W1[j, 0] * a) + (W1[j, 1] * b) + B1[j]))];
            Assert.That(logits[i], Is.EqualTo(Output(h)).Within(1e-5), $"sample {i}: the model on λ·x + (1 − λ)·x[partner]");
        }
    }

    [Test]
    public void Unknown_layer_names_are_rejected_by_name_before_anything_runs()
    {
        using var model = VectorModel();
        var policy = new HandPlan(Blend);
        var e = Assert.Throws<ArgumentException>(() => _ = new ManifoldMixup(model, ["fc1", "fc3"], policy, classCount: 2));
        Assert.That(e!.ParamName, Is.EqualTo("layers"));
        Assert.That(e.Message, Does.Contain("item 1 is 'fc3'").And.Contain("'fc1', 'act', 'fc2'"));
        Assert.That(policy.Asked, Is.Empty);

        var twice = Assert.Throws<ArgumentException>(() => _ = new ManifoldMixup(model, ["act", "act"], policy, classCount: 2));
        Assert.That(twice!.ParamName, Is.EqualTo("layers"));
        Assert.That(twice.Message, Does.Contain("'act' twice (items 0 and 1)"));
        Assert.That(Assert.Throws<ArgumentException>(() => _ = new ManifoldMixup(model, [], policy, classCount: 2))!.ParamName, Is.EqualTo("layers"));
    }

    [Test]
    public void Bad_labels_are_rejected_before_the_generator_is_touched()
    {
        using var model = VectorModel();
        var manifold = new ManifoldMixup(model, ["act"], new HandPlan(Blend), classCount: 2);
        var scripted = new ScriptedRandom();
        using Tensor x = Inputs(), y = tensor(new long[] { 0, 1, 2 });
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => manifold.Forward(x, y, scripted));
        Assert.That(e!.ParamName, Is.EqualTo("labels"));
        Assert.That(scripted.Drawn, Is.Zero);
        using Tensor short_ = tensor(new long[] { 0, 1 });
        var shape = Assert.Throws<ArgumentException>(() => manifold.Forward(x, short_, scripted));
        Assert.That(shape!.ParamName, Is.EqualTo("labels"));
        Assert.That(shape.Message, Does.Contain("[2]").And.Contain("3 samples"));
    }

    [Test]
    public void A_layer_run_with_forward_instead_of_call_is_reported()
    {
        using var model = new ForwardOnly();
        var manifold = new ManifoldMixup(model, ["_fc"], new HandPlan(shape => FixedPlans.Identity(shape)), classCount: 2);
        using Tensor x = ones(2, 2), y = tensor(new long[] { 0, 1 });
        var e = Assert.Throws<InvalidOperationException>(() => manifold.Forward(x, y, new MixRandom(1)));
        Assert.That(e!.Message, Does.Contain("'_fc'").And.Contain("call()"));
    }

    [Test]
    public void A_layer_that_runs_twice_is_reported_and_its_hook_removed()
    {
        using var model = new Twice();
        var policy = new HandPlan(shape => FixedPlans.Blend(shape, 0.5));
        var manifold = new ManifoldMixup(model, ["_fc"], policy, classCount: 2);
        using Tensor x = tensor(new float[] { 1, 2, 3, 4 }, [2, 2]), y = tensor(new long[] { 0, 1 });
        var e = Assert.Throws<InvalidOperationException>(() => manifold.Forward(x, y, new MixRandom(1)));
        Assert.That(e!.Message, Does.Contain("'_fc' ran 2 times"));
        Assert.That(policy.Asked, Has.Count.EqualTo(1), "only the first output was mixed");
        using Tensor called = model.call(x), forwarded = model.forward(x);
        Assert.That(called.data<float>().ToArray(), Is.EqualTo(forwarded.data<float>().ToArray()), "no hook left behind");
    }

    [Test]
    public void A_box_on_a_vector_replaces_a_segment_of_its_features()
    {
        using var model = VectorModel();
        // Sample 0 takes features 1 and 2 of its partner (λ 1/3); the others are kept.
        var policy = new HandPlan(shape => new MixPlan(shape.Spatial, [1, 1, 2], [1.0 / 3, 1, 1], [new BoxRegion(0, 1, 1, 3), MixRegion.Keep, MixRegion.Keep]));
        var manifold = new ManifoldMixup(model, ["act"], policy, classCount: 2);
        using Tensor x = Inputs(), y = Labels();
        using ManifoldMixedBatch batch = manifold.Forward(x, y, new MixRandom(1));
        Assert.That(policy.Asked.Single().ToDimensions(), Is.EqualTo(new[] { 3, 1, 3 }), "a [B, D] vector is one channel of length D");
        double[] own = Hidden(0), partner = Hidden(1);
        float[] logits = batch.Logits.data<float>().ToArray();
        Assert.That(logits[0], Is.EqualTo(Output([own[0], partner[1], partner[2]])).Within(1e-5));
        Assert.That(logits[1], Is.EqualTo(Output(Hidden(1))).Within(1e-5));
        Assert.That(batch.Targets.data<float>().ToArray()[..2], Is.EqualTo(new[] { 1f / 3, 2f / 3 }).Within(1e-6));
    }
}
