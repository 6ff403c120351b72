using MixAug.TorchSharp.Native;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Training.Optimizers;

/// <summary>
/// The step Adam and AdamW share once each has applied its weight decay: the moments' running means, AMSGrad's maximum
/// and the bias-corrected parameter step, operation for operation as TorchSharp 0.107's <c>Adam.step</c> and
/// <c>AdamW.step</c>, with the group's Scalars kept alive until the step is done.
/// </summary>
/// <param name="beta1">The decay of the gradient's running mean.</param>
/// <param name="beta2">The decay of the squared gradient's running mean.</param>
/// <param name="eps">The term added to the denominator.</param>
internal sealed class AdamMoments(double beta1, double beta2, double eps) : IDisposable
{
    private readonly Scalar _keep1 = beta1.ToScalar(), _take1 = (1 - beta1).ToScalar();
    private readonly Scalar _keep2 = beta2.ToScalar(), _take2 = (1 - beta2).ToScalar();
    private readonly Scalar _epsilon = eps.ToScalar();

    /// <summary>Updates the moments with <paramref name="grad"/> and steps <paramref name="parameter"/>.</summary>
    /// <param name="parameter">The parameter, stepped in place.</param>
    /// <param name="grad">Its gradient, weight decay and maximizing applied.</param>
    /// <param name="step">The parameter's step count, this step included.</param>
    /// <param name="expAvg">The gradient's running mean, updated in place.</param>
    /// <param name="expAvgSq">The squared gradient's running mean, updated in place.</param>
    /// <param name="maxExpAvgSq">AMSGrad's maximum of the squared means, replaced (the previous one disposed) with
    /// <paramref name="amsgrad"/>.</param>
    /// <param name="amsgrad">Whether to divide by the maximum of the squared means.</param>
    /// <param name="lr">The learning rate.</param>
    /// <param name="conjugate">Whether the squared mean takes the gradient times its conjugate (Adam) or times itself
    /// (AdamW): the same values for real tensors, the same operations as each.</param>
    public void Step(Parameter parameter, Tensor grad, long step, Tensor expAvg, Tensor expAvgSq, ref Tensor maxExpAvgSq, bool amsgrad, double lr, bool conjugate)
    {
        double correction1 = 1 - Math.Pow(beta1, step), correction2 = 1 - Math.Pow(beta2, step);
        expAvg.mul_(_keep1).add_(grad, _take1);
        expAvgSq.mul_(_keep2).addcmul_(grad, conjugate ? grad.conj() : grad, _take2);
        if (amsgrad)
        {
            Tensor previous = maxExpAvgSq;
            maxExpAvgSq = maximum(previous, expAvgSq).DetachFromDisposeScope();
            previous.Dispose();
        }

        using Scalar root = Math.Sqrt(correction2).ToScalar(), stepSize = (-(lr / correction1)).ToScalar();
        Tensor denominator = (amsgrad ? maxExpAvgSq : expAvgSq).sqrt().div(root).add_(_epsilon, KeptScalars.One);
        parameter.addcdiv_(expAvg, denominator, stepSize);
    }

    /// <summary>Frees the kept Scalars.</summary>
    public void Dispose()
    {
        _keep1.Dispose();
        _take1.Dispose();
        _keep2.Dispose();
        _take2.Dispose();
        _epsilon.Dispose();
    }
}
