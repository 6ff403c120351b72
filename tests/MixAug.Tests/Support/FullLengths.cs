using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Tests.Support;

/// <summary>Lengths that are all the whole time extent must give the plan drawn without lengths: the same weights
/// and regions from the same seed.</summary>
internal static class FullLengths
{
    /// <summary>Asserts it for the transforms <paramref name="make"/> gives in batch and per-sample mode, on 9 sequences of
    /// 40 or on <paramref name="shape"/> (9 samples, a time extent of 40).</summary>
    public static void AssertChangeNothing(Func<LambdaMode, IMixTransform> make, BatchShape? shape = null)
    {
        shape ??= BatchShape.Sequence(9, 2, 40);
        foreach (LambdaMode mode in new[] { LambdaMode.Batch, LambdaMode.Element })
        {
            IMixTransform transform = make(mode);
            MixPlan plain = transform.CreatePlan(new MixRequest(shape.Value, new MixRandom(77)));
            MixPlan full = transform.CreatePlan(new MixRequest(shape.Value, new MixRandom(77), Enumerable.Repeat(40, 9).ToArray()));
            Assert.That(full.Lambdas.ToArray(), Is.EqualTo(plain.Lambdas.ToArray()), $"{transform}");
            Assert.That(full.Regions.Select(r => r.ToString()), Is.EqualTo(plain.Regions.Select(r => r.ToString())), $"{transform}");
        }
    }
}
