using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Testing.Tests;

/// <summary>Seeded plans of every region kind, for the dense-target checks of <see cref="MixAssert"/>.</summary>
internal static class DensePlans
{
    public static readonly BatchShape Shape = new(6, 1, 12, 10);

    /// <summary>Every method MixAug draws with, plus a hand-made mask and a three-source blend; <paramref name="seeds"/> plans each.</summary>
    public static IEnumerable<(string Name, MixPlan Plan)> EveryRegionKind(int seeds)
    {
        (string Name, IMixTransform Transform)[] methods =
        [
            ("MixUp", new MixUp(alpha: 1.0, mode: LambdaMode.Element)),
            ("MixUp sometimes", new MixUp(alpha: 1.0, probability: 0.5, mode: LambdaMode.Element)),
            ("CutMix", new CutMix(alpha: 1.0, mode: LambdaMode.Element)),
            ("FMix", new FMix(alpha: 1.0)),
            ("FMix soft", new FMix(alpha: 1.0, maxSoft: 0.2)),
            ("SaliencyMix", new SaliencyMix()),
            ("SaliencyMix mask", new SaliencyMix(region: SaliencyRegion.Mask)),
            ("GridMix", new GridMix()),
            ("SmoothMix", new SmoothMix()),
            ("MultiCutMix", new MultiCutMix(partners: 3)),
            ("ResizeMix", new ResizeMix(minScale: 0.1, maxScale: 1, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation)),
            ("Mosaic", new Mosaic()),
        ];
        for (int seed = 0; seed < seeds; seed++)
        {
            var random = new MixRandom((ulong)seed);
            float[] pixels = RandomPixels(random, Shape.BatchSize * Shape.SampleSize);
            foreach ((string name, IMixTransform transform) in methods)
            {
                yield return ($"{name} seed {seed}", transform.CreatePlan(Shape, pixels, random));
            }

            float[] mask = [.. Enumerable.Range(0, Shape.PlaneSize).Select(_ => random.NextInt(4) / 3f)];
            yield return ($"mask seed {seed}", FixedPlans.Mask(Shape, mask));
            yield return ($"three-source blend seed {seed}", ThreeSourceBlend(random));
        }
    }

    /// <summary>Random labels in [0, <paramref name="classes"/>), with about one in eight <paramref name="ignore"/> when it is not null.</summary>
    public static int[] RandomLabels(IMixRandom random, int count, int classes, int? ignore) =>
        [.. Enumerable.Range(0, count).Select(_ => ignore is int i && random.NextInt(8) == 0 ? i : random.NextInt(classes))];

    /// <summary>The first plan of <paramref name="name"/>'s method with a sample whose region is of <paramref name="kind"/>, and that sample.</summary>
    public static (MixPlan Plan, int Sample) First(string name, MixRegionKind kind)
    {
        foreach ((string planName, MixPlan plan) in EveryRegionKind(40))
        {
            int sample = Enumerable.Range(0, plan.BatchSize).FirstOrDefault(i => plan.Regions[i].Kind == kind, -1);
            if (planName.StartsWith(name + " seed", StringComparison.Ordinal) && sample >= 0)
            {
                return (plan, sample);
            }
        }

        throw new InvalidOperationException($"No {name} plan with a {kind} region in 40 seeds.");
    }

    private static MixPlan ThreeSourceBlend(MixRandom random)
    {
        int b = Shape.BatchSize;
        var recipes = new SampleRecipe[b];
        for (int i = 0; i < b; i++)
        {
            double first = 0.2 + (0.5 * random.NextDouble()), second = (1 - first) * random.NextDouble();
            recipes[i] = new SampleRecipe([i, (i + 1) % b, (i + 2) % b], [first, second, 1 - first - second], MixRegion.Blend);
        }

        return new MixPlan(Shape.Spatial, recipes, "ThreeSourceBlend");
    }

    private static float[] RandomPixels(MixRandom random, int count) => [.. Enumerable.Range(0, count).Select(_ => (float)random.NextDouble())];
}
