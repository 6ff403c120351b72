using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.TorchSharp.Tests.Support;

/// <summary>Test batches with known contents, as managed arrays and as tensors holding the same numbers.</summary>
internal static class Batches
{
    /// <summary>Values spread over [-2, 2) with fractional parts, so that rounding differences would show.</summary>
    public static float[] Values(BatchShape shape, ulong seed = 7)
    {
        var random = new MixRandom(seed);
        var values = new float[shape.ElementCount];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 4.0) - 2.0);
        }

        return values;
    }

    public static Tensor ToTensor(float[] values, BatchShape shape) =>
        tensor(values, [.. shape.ToDimensions().Select(d => (long)d)], ScalarType.Float32);

    public static float[] ToArray(Tensor t)
    {
        using Tensor flat = t.contiguous().cpu().to(ScalarType.Float32).reshape(-1);
        return flat.data<float>().ToArray();
    }

    /// <summary>A hand-made plan: flip pairing, and regions cycling through keep, blend, box and a soft mask.</summary>
    public static MixPlan MixedRegions(BatchShape shape, bool binaryMasks = false)
    {
        int b = shape.BatchSize;
        var partners = new int[b];
        var lambdas = new double[b];
        var regions = new MixRegion[b];
        var random = new MixRandom(11);
        for (int i = 0; i < b; i++)
        {
            partners[i] = b - 1 - i;
        }

        for (int i = 0; i < b; i++)
        {
            int kind = partners[i] == i ? 0 : i % 4;
            switch (kind)
            {
                case 0:
                    regions[i] = MixRegion.Keep;
                    lambdas[i] = 1.0;
                    break;
                case 1:
                    regions[i] = MixRegion.Blend;
                    lambdas[i] = 0.1 + (0.8 * random.NextDouble());
                    break;
                case 2:
                    int bottom = Math.Max(1, shape.Height / 2);
                    var box = new BoxRegion(0, 1, bottom, shape.Width);
                    regions[i] = box;
                    lambdas[i] = box.OwnShare(shape.Spatial, 0);
                    break;
                default:
                    var weights = new float[shape.PlaneSize];
                    for (int k = 0; k < weights.Length; k++)
                    {
                        // Soft masks hold exact 0s and 1s too, as FMix's soft edges do around their ramps.
                        double u = random.NextDouble();
                        weights[k] = binaryMasks ? (u < 0.5 ? 0f : 1f) : u < 0.3 ? 0f : u < 0.6 ? 1f : (float)random.NextDouble();
                    }

                    var mask = new MaskRegion(weights);
                    regions[i] = mask;
                    lambdas[i] = mask.Mean;
                    break;
            }
        }

        return new MixPlan(shape.Spatial, partners, lambdas, regions);
    }
}
