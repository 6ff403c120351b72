using MixAug.Regions;

namespace MixAug.TorchSharp.Data;

/// <summary>The transform of a batch left as it is: every sample kept, weight 1, with the request's valid lengths if
/// it has any (a kept sample's output length is its own). It draws nothing.</summary>
internal sealed class KeepAll : IMixTransform
{
    public static readonly KeepAll Instance = new();

    public string Name => "Keep";

    public FeatureRequirements Requirements => FeatureRequirements.None;

    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        int b = request.Shape.BatchSize;
        int[] partners = [.. Enumerable.Range(0, b)];
        double[] lambdas = [.. Enumerable.Repeat(1.0, b)];
        MixRegion[] regions = [.. Enumerable.Repeat<MixRegion>(MixRegion.Keep, b)];
        var plan = new MixPlan(request.Shape.Spatial, partners, lambdas, regions, Name);
        return request.HasValidLengths ? plan.WithValidLengths(request.ValidLengths) : plan;
    }
}
