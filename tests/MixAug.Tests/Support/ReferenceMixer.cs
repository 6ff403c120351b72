using MixAug.Planning;

namespace MixAug.Tests.Support;

/// <summary>
/// The definition of applying a plan, written as the plainest possible loop over every element: the yardstick the
/// optimised cycle-walking CPU mixer is compared against.
/// </summary>
internal static class ReferenceMixer
{
    public static float[] Apply(MixPlan plan, float[] source) => Apply(plan, source, Pixel);

    /// <summary>uint8: boxes copy, everything else is the float32 value rounded half to even.</summary>
    public static byte[] Apply(MixPlan plan, byte[] source) => Apply<byte>(
        plan,
        source,
        (p, i, e, self, partner) => p.Regions[i] switch
        {
            KeepRegion => self,
            BoxRegion box => InBox(box, p.Shape, e) ? partner : self,
            _ => (byte)Math.Round(Pixel(p, i, e, self, partner), MidpointRounding.ToEven),
        });

    private static T[] Apply<T>(MixPlan plan, T[] source, Func<MixPlan, int, int, T, T, T> pixel)
    {
        BatchShape s = plan.Shape;
        var output = new T[source.Length];
        for (int i = 0; i < s.BatchSize; i++)
        {
            int p = plan.Partners[i];
            for (int c = 0; c < s.Channels; c++)
            {
                for (int e = 0; e < s.PlaneSize; e++)
                {
                    int at = (i * s.SampleSize) + (c * s.PlaneSize) + e;
                    output[at] = pixel(plan, i, e, source[at], source[(p * s.SampleSize) + (c * s.PlaneSize) + e]);
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
