using MixAug.Randomness;

namespace MixAug.Tests.Support;

/// <summary>Inputs and definitions the kernel tests share: values with IEEE specials, weight runs, and the blends by their definitions.</summary>
internal static class KernelInputs
{
    /// <summary>Uniform floats in [−4, 4).</summary>
    public static float[] Floats(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();

    /// <summary>Uniform bytes.</summary>
    public static byte[] Bytes(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (byte)random.NextInt(256)).ToArray();

    /// <summary>Replaces about one element in ten with −0, +0, ±infinity or NaN.</summary>
    public static float[] WithSpecials(MixRandom random, float[] values)
    {
        float[] specials = [-0f, 0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        for (int i = 0; i < values.Length; i++)
        {
            if (random.NextInt(10) == 0)
            {
                values[i] = specials[random.NextInt(specials.Length)];
            }
        }

        return values;
    }

    /// <summary>Runs of 1 to 40 weights: exact 1, exact 0, or random fractions.</summary>
    public static float[] MaskRuns(MixRandom random, int n)
    {
        var mask = new float[n];
        for (int i = 0; i < n;)
        {
            int run = 1 + random.NextInt(40);
            int kind = random.NextInt(3);
            for (int j = 0; j < run && i < n; j++, i++)
            {
                mask[i] = kind == 0 ? 1f : kind == 1 ? 0f : (float)random.NextDouble();
            }
        }

        return mask;
    }

    /// <summary>The mask blend's definition, written independently of the kernels: weight 1 keeps the sample, 0 takes the partner.</summary>
    public static float MaskBlendDefinition(float self, float partner, float weight) => weight switch
    {
        1f => self,
        0f => partner,
        _ => (self * weight) + (partner * (1f - weight)),
    };

    /// <summary>A uint8 blend by its definition: in float, rounded half to even.</summary>
    public static byte RoundedBlend(byte self, byte partner, float weight) => (byte)Math.Round((self * weight) + (partner * (1f - weight)), MidpointRounding.ToEven);

    /// <summary>Runs of 1 to 40 column fall-offs of a soft box: exact 1 (the box's columns), tiny (weights exactly 1), or fractions.</summary>
    public static float[] ColumnFalloffs(MixRandom random, int n)
    {
        var g = new float[n];
        for (int i = 0; i < n;)
        {
            int run = 1 + random.NextInt(40), kind = random.NextInt(3);
            for (int j = 0; j < run && i < n; j++, i++)
            {
                g[i] = kind == 0 ? 1f : kind == 1 ? 1e-10f : (float)random.NextDouble();
            }
        }

        return g;
    }

    /// <summary>A soft box's own weight as the rasteriser makes it: one float product, one float difference.</summary>
    public static float SoftWeight(float rowFalloff, float columnFalloff)
    {
        float product = rowFalloff * columnFalloff;
        return 1f - product;
    }
}
