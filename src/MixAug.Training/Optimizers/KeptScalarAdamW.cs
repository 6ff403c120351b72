using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Training.Optimizers;

/// <summary>
/// TorchSharp's AdamW (Adam with decoupled weight decay) with every Scalar its step passes to libtorch kept alive until
/// the call that reads it returns: the same options, state, state dictionaries, parameter groups and learning-rate
/// schedulers, and the same results bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107's <see cref="AdamW.step"/> passes the decay factor, its betas, ε and the step size as temporary
/// <see cref="Scalar"/>s, whose finalizer can free them while libtorch reads them (docs/torchsharp.md). This step does
/// the same arithmetic, operation for operation and with Scalars of the same values and types, from <c>using</c>
/// locals and kept constants. It skips one operation: the multiplication of the parameters by <c>1 − lr·weightDecay</c>
/// when that factor is 1, which leaves every float as it is.
/// </para>
/// <para>The defaults are TorchSharp's, so a weight decay of 0 where PyTorch's AdamW defaults to 0.01. Unlike the base
/// constructor, this one refuses NaN and infinite options, and names the parameter it refuses.</para>
/// </remarks>
/// <threadsafety>Not thread-safe, as TorchSharp's optimizers: one step at a time.</threadsafety>
public sealed class KeptScalarAdamW : AdamW
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>, with TorchSharp's AdamW defaults.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate, finite and non-negative.</param>
    /// <param name="beta1">The decay of the gradient's running mean, in [0, 1).</param>
    /// <param name="beta2">The decay of the squared gradient's running mean, in [0, 1).</param>
    /// <param name="eps">The term added to the denominator, finite and non-negative.</param>
    /// <param name="weightDecay">The decoupled weight decay, finite and non-negative: each step scales the parameters by
    /// <c>1 − lr·weightDecay</c>.</param>
    /// <param name="amsgrad">Whether to use the maximum of the squared gradient's running means (AMSGrad).</param>
    /// <param name="maximize">Whether to maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is NaN, infinite or outside its range.</exception>
    public KeptScalarAdamW(IEnumerable<Parameter> parameters, double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0, bool amsgrad = false, bool maximize = false)
        : base(
            parameters ?? throw new ArgumentNullException(nameof(parameters)),
            OptionChecks.NonNegative(lr, nameof(lr)),
            OptionChecks.Decay(beta1, nameof(beta1)),
            OptionChecks.Decay(beta2, nameof(beta2)),
            OptionChecks.NonNegative(eps, nameof(eps)),
            OptionChecks.NonNegative(weightDecay, nameof(weightDecay)),
            amsgrad,
            maximize)
    {
    }

    /// <summary>One AdamW step over every parameter group, as <see cref="AdamW.step"/> computes it.</summary>
    /// <param name="closure">Recomputes and returns the loss, or null.</param>
    /// <returns>The closure's loss, or null without a closure.</returns>
    public override Tensor? step(Func<Tensor>? closure = null) => _step<ParamGroup>(Step, closure);

    /// <summary>Disposes the state tensors, as <see cref="AdamW"/> does; nothing when the constructor refused its arguments.</summary>
    /// <param name="disposing">True from <see cref="IDisposable.Dispose"/>, false from the finalizer.</param>
    protected override void Dispose(bool disposing)
    {
        // A refused argument throws before AdamW's constructor runs, so its state table was never made; the finalizer
        // still runs, and AdamW's Dispose would dereference the missing table on the finalizer thread and end the process.
        if (_state is not null)
        {
            base.Dispose(disposing);
        }
    }

    private void Step(ParamGroup group)
    {
        var options = (Options)group.Options;
        double lr = options.LearningRate!.Value, shrinkFactor = 1 - (lr * options.weight_decay!.Value);
        bool amsgrad = options.amsgrad!.Value, maximize = options.maximize!.Value;
        using var moments = new AdamMoments(options.beta1!.Value, options.beta2!.Value, options.eps!.Value);
        using Scalar shrink = shrinkFactor.ToScalar();
        foreach (Parameter parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            Tensor? grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (maximize)
            {
                grad = -grad;
            }

            state.step += 1;
            if (shrinkFactor != 1)
            {
                parameter.mul_(shrink);
            }

            moments.Step(parameter, grad, state.step, state.exp_avg, state.exp_avg_sq, ref state.max_exp_avg_sq, amsgrad, lr, conjugate: false);
        }
    }
}
