using MixAug.Planning;

namespace MixAug.Tests.Support;

/// <summary>
/// The definition of applying a plan, written as the plainest possible loop over every element: the yardstick the
/// optimised cycle-walking CPU mixer is compared against.
/// </summary>
internal static class ReferenceMixer
{
    public static float[] Apply(MixPlan plan, float[] source)
    {
        BatchShape s = plan.Shape;
        var output = new float[source.Length];
        for (int i = 0; i < s.BatchSize; i++)
        {
            int p = plan.Partners[i];
            for (int c = 0; c < s.Channels; c++)
            {
                for (int e = 0; e < s.PlaneSize; e++)
                {
                    int at = (i * s.SampleSize) + (c * s.PlaneSize) + e;
                    float self = source[at];
                    float partner = source[(p * s.SampleSize) + (c * s.PlaneSize) + e];
                    output[at] = Pixel(plan, i, e, self, partner);
                }
            }
        }

        return output;
    }

    public static byte[] Apply(MixPlan plan, byte[] source)
    {
        BatchShape s = plan.Shape;
        var output = new byte[source.Length];
        for (int i = 0; i < s.BatchSize; i++)
        {
            int p = plan.Partners[i];
            for (int c = 0; c < s.Channels; c++)
            {
                for (int e = 0; e < s.PlaneSize; e++)
                {
                    int at = (i * s.SampleSize) + (c * s.PlaneSize) + e;
                    byte self = source[at];
                    byte partner = source[(p * s.SampleSize) + (c * s.PlaneSize) + e];
                    output[at] = plan.Regions[i] switch
                    {
                        KeepRegion => self,
                        BoxRegion box => InBox(box, s, e) ? partner : self,
                        _ => (byte)Math.Round(Pixel(plan, i, e, self, partner), MidpointRounding.ToEven),
                    };
                }
            }
        }

        return output;
    }

    /// <summary>The value of one output element: float32 arithmetic in the documented order.</summary>
    public static float Pixel(MixPlan plan, int sample, int planeIndex, float self, float partner)
    {
        double lambda = plan.Lambdas[sample];
        switch (plan.Regions[sample])
        {
            case KeepRegion:
                return self;
            case BlendRegion:
                float ws = (float)lambda;
                float wp = (float)(1.0 - lambda);
                return (self * ws) + (partner * wp);
            case BoxRegion box:
                return InBox(box, plan.Shape, planeIndex) ? partner : self;
            case MaskRegion mask:
                float m = mask.Weights[planeIndex];
                return (self * m) + (partner * (1f - m));
            default:
                throw new InvalidOperationException("unknown region");
        }
    }

    public static bool InBox(BoxRegion box, BatchShape shape, int planeIndex)
    {
        int y = (planeIndex / shape.Width) % shape.Height;
        int x = planeIndex % shape.Width;
        return y >= box.Top && y < box.Bottom && x >= box.Left && x < box.Right;
    }

    /// <summary>Random pixel data: uniform floats in [0, 1) from a seeded generator.</summary>
    public static float[] RandomBatch(BatchShape shape, ulong seed)
    {
        var random = new MixAug.Randomness.MixRandom(seed);
        var data = new float[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (float)random.NextDouble();
        }

        return data;
    }

    public static byte[] RandomBytes(BatchShape shape, ulong seed)
    {
        var random = new MixAug.Randomness.MixRandom(seed);
        var data = new byte[shape.ElementCount];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)random.NextInt(256);
        }

        return data;
    }
}
