namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Plans drawn for <see cref="MixModule"/> and <c>MixCollate</c>, whose requests they make themselves: a refusal of
/// the request's valid lengths is named after the argument (or dictionary key) the lengths came from, and a plan that
/// silently dropped them is refused.
/// </summary>
internal static class LengthPlans
{
    /// <summary>
    /// The policy's plan; a method that does not take lengths refuses a request with them, and its message is given
    /// again under the name of the argument that brought them (the request is the module's own).
    /// </summary>
    public static MixPlan Create(IMixTransform policy, MixRequest request, string lengthsName)
    {
        MixPlan plan;
        try
        {
            plan = policy.CreatePlan(request);
        }
        catch (ArgumentException e) when (e.ParamName == nameof(request) && request.HasValidLengths && e is not ArgumentOutOfRangeException)
        {
            throw new ArgumentException(e.Message.Replace($" (Parameter '{nameof(request)}')", string.Empty, StringComparison.Ordinal), lengthsName, e);
        }

        // A transform that neither honours nor refuses the lengths (a user's own) would
        // paste padding into valid positions and count it in λ: refuse its plan rather than apply it.
        if (request.HasValidLengths && !plan.HasValidLengths)
        {
            throw new ArgumentException(
                $"{policy.Name} drew a plan without the {request.ValidLengths.Length} valid lengths it was given, so it would read padding as data; use a method that takes lengths (MixUp, CutMix, MultiCutMix, FMix, ResizeMix).",
                lengthsName);
        }

        return plan;
    }
}
