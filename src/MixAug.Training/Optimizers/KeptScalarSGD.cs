using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Training.Optimizers;

/// <summary>
/// TorchSharp's SGD (with momentum, dampening, Nesterov momentum and weight decay) with every Scalar its step passes to
/// libtorch kept alive until the call that reads it returns: the same options, state, state dictionaries, parameter
/// groups and learning-rate schedulers, and the same results bit for bit.
/// </summary>
/// <remarks>
/// <para>
/// TorchSharp 0.107's <see cref="SGD.step"/> passes the weight decay, the momentum, <c>1 − dampening</c> and the
/// learning rate as temporary <see cref="Scalar"/>s, whose finalizer can free them while libtorch reads them
/// (docs/torchsharp.md). This step does the same arithmetic, operation for operation and with Scalars of the same
/// values and types, from <c>using</c> locals. Only <see cref="step"/> differs from the base class.
/// </para>
/// <para>Unlike the base constructor, this one refuses NaN and infinite options, and names the parameter it refuses.</para>
/// </remarks>
/// <threadsafety>Not thread-safe, as TorchSharp's optimizers: one step at a time.</threadsafety>
public sealed class KeptScalarSGD : SGD
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/>, with TorchSharp's SGD defaults.</summary>
    /// <param name="parameters">The parameters to optimize.</param>
    /// <param name="lr">The learning rate, finite and non-negative.</param>
    /// <param name="momentum">The momentum factor, finite and non-negative; 0 for plain SGD.</param>
    /// <param name="dampening">The dampening of the momentum: the gradient enters the buffer with weight
    /// <c>1 − dampening</c>; finite.</param>
    /// <param name="weightDecay">The L2 penalty, finite and non-negative.</param>
    /// <param name="nesterov">Whether to use Nesterov momentum; needs a positive momentum and no dampening.</param>
    /// <param name="maximize">Whether to maximize the objective instead of minimizing it.</param>
    /// <exception cref="ArgumentNullException"><paramref name="parameters"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An option is NaN, infinite or outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="nesterov"/> is set with no momentum or with dampening.</exception>
    public KeptScalarSGD(IEnumerable<Parameter> parameters, double lr, double momentum = 0, double dampening = 0, double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : base(
            parameters ?? throw new ArgumentNullException(nameof(parameters)),
            OptionChecks.NonNegative(lr, nameof(lr)),
            OptionChecks.NonNegative(momentum, nameof(momentum)),
            OptionChecks.Finite(dampening, nameof(dampening)),
            OptionChecks.NonNegative(weightDecay, nameof(weightDecay)),
            Nesterov(nesterov, momentum, dampening),
            maximize)
    {
    }

    /// <summary>One SGD step over every parameter group, as <see cref="SGD.step"/> computes it.</summary>
    /// <param name="closure">Recomputes and returns the loss, or null.</param>
    /// <returns>The closure's loss, or null without a closure.</returns>
    public override Tensor? step(Func<Tensor>? closure = null) => _step<ParamGroup>(Step, closure);

    /// <summary>Disposes the momentum buffers, as <see cref="SGD"/> does; nothing when the constructor refused its arguments.</summary>
    /// <param name="disposing">True from <see cref="IDisposable.Dispose"/>, false from the finalizer.</param>
    protected override void Dispose(bool disposing)
    {
        // A refused argument throws before SGD's constructor runs, so its state table was never made; the finalizer
        // still runs, and SGD's Dispose would dereference the missing table on the finalizer thread and end the process.
        if (_state is not null)
        {
            base.Dispose(disposing);
        }
    }

    private static bool Nesterov(bool nesterov, double momentum, double dampening) =>
        !nesterov || (momentum > 0 && dampening == 0)
            ? nesterov
            : throw new ArgumentException(
                $"nesterov needs a positive momentum and no dampening; momentum was {momentum} and dampening {dampening}.", nameof(nesterov));

    private void Step(ParamGroup group)
    {
        Options options = group.Options;
        double momentum = options.momentum!.Value, dampening = options.dampening!.Value, weightDecay = options.weight_decay!.Value;
        double lr = options.LearningRate!.Value;
        bool nesterov = options.nesterov!.Value, maximize = options.maximize!.Value;
        using Scalar decay = weightDecay.ToScalar(), keep = momentum.ToScalar(), take = (1 - dampening).ToScalar();
        using Scalar rate = (maximize ? lr : -lr).ToScalar();
        foreach (Parameter parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            Tensor? grad = parameter.grad;
            if (grad is null)
            {
                continue;
            }

            if (weightDecay != 0)
            {
                grad = grad.add(parameter, decay);
            }

            if (momentum != 0)
            {
                Tensor? buffer = state.momentum_buffer;
                if (buffer is null)
                {
                    state.momentum_buffer = buffer = grad.clone().detach().DetachFromDisposeScope();
                }
                else
                {
                    buffer.mul_(keep).add_(grad, take);
                }

                grad = nesterov ? grad.add(buffer, keep) : buffer;
            }

            parameter.add_(grad, rate);
        }
    }
}
