using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.SharedTests;

/// <summary>A user's method of any shape that has not said it takes valid lengths (every built-in one that takes
/// sequences does), so a request with lengths is refused with its name. Shared by the core and TorchSharp tests.</summary>
internal sealed class HalfBlend() : MixTransform(1.0, LambdaMode.Element, PairingStrategy.Flip)
{
    public override string Name => "HalfBlend";

    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) => new(0.5, MixRegion.Blend);
}
