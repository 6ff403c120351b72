using MixAug.Randomness;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Manifold Mixup (Verma et al., "Manifold Mixup: Better Representations by Interpolating Hidden States", ICML 2019):
/// each batch draws one of the layers the user names, and that layer's output is mixed by a plan drawn for it, through a
/// TorchSharp forward hook that lives for one forward pass only.
/// </summary>
/// <example>
/// <code>
/// var manifold = new ManifoldMixup(model, ["features.3", "classifier.0"], new MixUp(2.0), classCount: 10, mixInput: true);
/// using ManifoldMixedBatch batch = manifold.Forward(images, labels, MixRandom.ForBatch(seed, epoch, step));
/// Tensor loss = MixLosses.SoftTargetCrossEntropy(batch.Logits, batch.Targets);
/// </code>
/// </example>
/// <remarks>
/// <para><b>The draw.</b> Everything random comes from the generator passed to <see cref="Forward"/>, in this order:
/// first the layer (one <c>NextInt</c> over the candidates: the input when <see cref="MixInput"/> is set, then
/// <see cref="Layers"/> in order), then the plan, which the policy draws for the hidden state's own shape when the hook
/// runs. A feature map <c>[B, C, h, w]</c> gets boxes and masks drawn for its <c>h × w</c> extent (and saliency computed
/// from the map itself for SaliencyMix); a vector <c>[B, D]</c> is drawn as one channel of length D, so MixUp blends it as the paper does, and a region
/// method (CutMix, FMix) replaces a segment (or a mask) of its D features, with labels weighted by the share. The same generator state therefore replays the same layer and the same plan.</para>
/// <para><b>Hooks.</b> TorchSharp runs forward hooks only when a module is invoked through <c>call</c> (as
/// <c>Sequential</c> invokes its children), not through <c>forward</c>. A named layer that the model's forward runs with
/// <c>forward</c>, or not at all, is reported after the pass with an <see cref="InvalidOperationException"/>; a layer that
/// runs twice in one pass is reported too, since mixing a shared layer twice would mix the mix. The hook is removed when
/// the pass ends, also when it throws.</para>
/// <para><b>Ownership</b> (see docs/ownership.md): images and labels are borrowed; the returned
/// <see cref="ManifoldMixedBatch"/> holds new tensors that its holder disposes. Gradients flow through the mix to every
/// layer before it (the mix is made of libtorch operations on a tensor that requires grad).</para>
/// </remarks>
/// <threadsafety>Not thread-safe: it registers a hook on the model for the length of a forward pass.</threadsafety>
public sealed class ManifoldMixup
{
    private readonly nn.Module<Tensor, Tensor>[] _modules;

    /// <summary>Creates a Manifold Mixup step for <paramref name="model"/>.</summary>
    /// <param name="model">The model, called as <c>model.call(images)</c>; any <c>nn.Module&lt;Tensor, Tensor&gt;</c>.</param>
    /// <param name="layers">Names of submodules as <c>model.named_modules()</c> gives them (such as <c>"layers.3"</c>), each a
    /// <c>Module&lt;Tensor, Tensor&gt;</c>; the output of the drawn one is mixed.</param>
    /// <param name="policy">The transform that draws the plan for the hidden state (MixUp in the paper).</param>
    /// <param name="classCount">Number of classes of the labels.</param>
    /// <param name="smoothing">Label smoothing of the dense targets, in [0, 1).</param>
    /// <param name="mixInput">Also count the input as a candidate ("layer 0" of the paper), mixed before the model runs.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="layers"/> is empty, names a layer twice, names a submodule the model
    /// does not have (the message lists the names it has), or names one that is not a <c>Module&lt;Tensor, Tensor&gt;</c>.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> is not positive or <paramref name="smoothing"/> is outside [0, 1).</exception>
    public ManifoldMixup(nn.Module<Tensor, Tensor> model, IEnumerable<string> layers, IMixTransform policy, int classCount, double smoothing = 0, bool mixInput = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if (!(smoothing >= 0 && smoothing < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, $"smoothing must lie in [0, 1); it was {smoothing}.");
        }

        string[] names = [.. layers];
        if (names.Length == 0)
        {
            throw new ArgumentException("layers is empty; name at least one submodule whose output to mix (to mix only the input, use MixModule).", nameof(layers));
        }

        Dictionary<string, nn.Module> submodules = model.named_modules().ToDictionary(m => m.name, m => m.module);
        var modules = new nn.Module<Tensor, Tensor>[names.Length];
        for (int i = 0; i < names.Length; i++)
        {
            string name = names[i] ?? throw new ArgumentNullException(nameof(layers), $"Layer name {i} is null.");
            int earlier = Array.IndexOf(names, name, 0, i);
            if (earlier >= 0)
            {
                throw new ArgumentException($"layers names '{name}' twice (items {earlier} and {i}).", nameof(layers));
            }

            if (!submodules.TryGetValue(name, out nn.Module? module))
            {
                string known = submodules.Count == 0 ? "none" : string.Join(", ", submodules.Keys.Select(k => $"'{k}'"));
                throw new ArgumentException($"layers item {i} is '{name}', which is not a submodule of the model; its submodules are {known}.", nameof(layers));
            }

            modules[i] = module as nn.Module<Tensor, Tensor>
                ?? throw new ArgumentException($"layers item {i}, '{name}', is a {module.GetType().Name}, not a Module<Tensor, Tensor>, so its output cannot be mixed by a forward hook.", nameof(layers));
        }

        Model = model;
        Layers = names;
        _modules = modules;
        Policy = policy;
        ClassCount = classCount;
        Smoothing = smoothing;
        MixInput = mixInput;
    }

    /// <summary>The model.</summary>
    public nn.Module<Tensor, Tensor> Model { get; }

    /// <summary>The names of the layers whose output may be mixed, in the order the draw counts them.</summary>
    public IReadOnlyList<string> Layers { get; }

    /// <summary>The transform that draws the plans.</summary>
    public IMixTransform Policy { get; }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Label smoothing of the dense targets.</summary>
    public double Smoothing { get; }

    /// <summary>Whether the input is a candidate too (drawn as candidate 0).</summary>
    public bool MixInput { get; }

    /// <summary>Draws a layer and a plan, runs the model with that layer's output mixed, and mixes the labels alike.</summary>
    /// <param name="images">The batch <c>[B, …]</c>, floating point (borrowed).</param>
    /// <param name="labels">Int64 class indices <c>[B]</c> or soft labels <c>[B, classes]</c> on the images' device (borrowed).</param>
    /// <param name="random">The generator of this batch (advanced): the layer, then the plan.</param>
    /// <returns>The logits, the targets, the plan and the layer; new tensors owned by the caller.</returns>
    /// <remarks>Images and labels are checked before the generator is touched or the model runs.</remarks>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The images are not a non-empty floating-point batch with data, or the labels do not match them (shape,
    /// dtype, device, or soft rows that are not distributions).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is outside [0, <see cref="ClassCount"/>).</exception>
    /// <exception cref="InvalidOperationException">The drawn layer did not run through <c>call</c> exactly once, its output
    /// is not a floating-point tensor of rank 2 to 5 over the batch, or the policy cannot draw a plan for it (SaliencyMix for a
    /// tensor that is not <c>[B, C, h, w]</c>).</exception>
    public ManifoldMixedBatch Forward(Tensor images, Tensor labels, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(random);
        long[] dims = images.shape;
        if (dims.Length < 2 || dims.Any(d => d < 1 || d > int.MaxValue))
        {
            throw new ArgumentException($"images must be a non-empty batch [B, …] of rank 2 or more; it is {TensorChecks.Describe(dims)}.", nameof(images));
        }

        if (!TensorChecks.IsFloating(images.dtype))
        {
            throw new ArgumentException($"images has dtype {images.dtype}; the model's input must be floating point to be mixed.", nameof(images));
        }

        if (images.device_type == DeviceType.META)
        {
            throw new ArgumentException("images is on the meta device, which holds no data.", nameof(images));
        }

        TensorChecks.SameDevice(images, labels, nameof(labels));
        TensorChecks.Labels((int)dims[0], labels, nameof(labels));
        if (labels.dtype != ScalarType.Int64 && labels.shape[1] != ClassCount)
        {
            throw new ArgumentException($"labels has rows of {labels.shape[1]} classes but the step has {ClassCount}.", nameof(labels));
        }

        TorchSharpRuntime.EnsureLoadable();
        TorchLabelMixer.Check(labels, ClassCount); // before the layer and plan are drawn, so a refusal draws nothing
        int candidate = random.NextInt(Layers.Count + (MixInput ? 1 : 0));
        int layer = MixInput ? candidate - 1 : candidate;
        using DisposeScope scope = NewDisposeScope();
        (Tensor logits, MixPlan plan) = layer < 0 ? MixAtInput(images, random) : MixAtLayer(layer, images, random);
        Tensor targets = TorchLabelMixer.BuildSoftTargets(plan, labels, ClassCount, Smoothing);
        return new ManifoldMixedBatch(logits.MoveToOuterDisposeScope(), targets.MoveToOuterDisposeScope(), plan, layer < 0 ? null : Layers[layer]);
    }

    private (Tensor Logits, MixPlan Plan) MixAtInput(Tensor images, IMixRandom random)
    {
        MixPlan plan = DrawPlan(images, (int)images.shape[0], random, "the input");
        return (Model.call(TorchMixer.Apply(plan, images)), plan);
    }

    private (Tensor Logits, MixPlan Plan) MixAtLayer(int layer, Tensor images, IMixRandom random)
    {
        string name = Layers[layer];
        MixPlan? plan = null;
        int calls = 0;
        var hook = _modules[layer].register_forward_hook((module, input, output) =>
            {
                if (++calls > 1)
                {
                    // A layer shared by two places in the network: mixing its second output would mix the mix.
                    return output;
                }

                plan = DrawPlan(output, (int)images.shape[0], random, $"layer '{name}'");
                return TorchMixer.Apply(plan, output);
            });
        Tensor logits;
        try
        {
            logits = Model.call(images);
        }
        finally
        {
            hook.remove();
        }

        return calls switch
        {
            1 => (logits, plan!),
            0 => throw new InvalidOperationException(
                $"Layer '{name}' did not run through Module.call during the forward pass, so its hook never fired and nothing was mixed. TorchSharp runs forward hooks only from call(); invoke the submodule with .call(x) in the model's forward (Sequential does)."),
            _ => throw new InvalidOperationException(
                $"Layer '{name}' ran {calls} times in one forward pass; Manifold Mixup mixes one output, so name a layer the model uses once."),
        };
    }

    /// <summary>The policy's plan for <paramref name="hidden"/>'s own shape; a vector <c>[B, D]</c> is one channel of length D.</summary>
    private MixPlan DrawPlan(Tensor hidden, int batchSize, IMixRandom random, string where)
    {
        long[] dims = hidden.shape;
        if (dims.Length is < 2 or > 5 || dims[0] != batchSize || dims.Any(d => d < 1 || d > int.MaxValue) || !TensorChecks.IsFloating(hidden.dtype))
        {
            throw new InvalidOperationException(
                $"The output of {where} is {hidden.dtype} {TensorChecks.Describe(dims)}; Manifold Mixup mixes floating-point [B, D], [B, C, L], [B, C, h, w] or [B, C, d, h, w] tensors over the batch of {batchSize}.");
        }

        int[] extents = [.. dims.Select(d => (int)d)];
        BatchShape shape = extents.Length == 2 ? BatchShape.Sequence(extents[0], 1, extents[1]) : BatchShape.FromDimensions(extents);
        // Saliency (SaliencyMix) is computed from the map itself; other ranks get none, and such a policy refuses them.
        BatchFeatures features = extents.Length == 4 ? TorchFeatures.Compute(Policy.Requirements, hidden) : BatchFeatures.None;
        try
        {
            return Policy.CreatePlan(new MixRequest(shape, random, features));
        }
        catch (ArgumentException e)
        {
            // The caller's arguments were checked before the pass; what the policy rejects here is the model's tensor.
            throw new InvalidOperationException($"{Policy.Name} cannot draw a plan for the output of {where}, {TensorChecks.Describe(dims)}: {e.Message}", e);
        }
    }
}

/// <summary>The result of <see cref="ManifoldMixup.Forward"/>: the model's logits on the mixed pass, the mixed targets, the plan and the layer.</summary>
/// <remarks>The tensors belong to the holder: <see cref="Dispose"/> disposes them (and, if the call ran inside a dispose
/// scope, that scope owns them too). The logits carry the autograd graph of the pass, so the loss built on them reaches
/// every parameter.</remarks>
public sealed class ManifoldMixedBatch : IDisposable
{
    internal ManifoldMixedBatch(Tensor logits, Tensor targets, MixPlan plan, string? layer)
    {
        Logits = logits;
        Targets = targets;
        Plan = plan;
        Layer = layer;
    }

    /// <summary>The model's output on the pass with the mixed hidden state.</summary>
    public Tensor Logits { get; }

    /// <summary>Dense float32 targets <c>[B, classes]</c> mixed by <see cref="Plan"/>.</summary>
    public Tensor Targets { get; }

    /// <summary>The plan drawn for the mixed tensor (its extent is that tensor's: the feature map's, or 1 for a vector).</summary>
    public MixPlan Plan { get; }

    /// <summary>The name of the layer whose output was mixed, or null when the input was.</summary>
    public string? Layer { get; }

    /// <summary>Disposes the logits and targets.</summary>
    public void Dispose()
    {
        Logits.Dispose();
        Targets.Dispose();
    }
}
