namespace MixAug.Tests.Support;

/// <summary>
/// The antialiased bilinear resampling written from its documented formula, in double and as a 2-D sum (not
/// separable): the slow reference the resized regions are checked against.
/// </summary>
internal static class ResampleReference
{
    /// <summary>The weights of every output over every input along one axis (zeros outside the taps), normalised.</summary>
    public static double[][] Weights(int inputs, int outputs)
    {
        double scale = (double)inputs / outputs, support = Math.Max(1, scale);
        var all = new double[outputs][];
        for (int i = 0; i < outputs; i++)
        {
            double centre = scale * (i + 0.5);
            all[i] = new double[inputs];
            for (int j = 0; j < inputs; j++)
            {
                all[i][j] = Math.Max(0, 1 - Math.Abs((j + 0.5 - centre) / support));
            }

            double total = all[i].Sum();
            all[i] = [.. all[i].Select(v => v / total)];
        }

        return all;
    }

    /// <summary>Output (<paramref name="oy"/>, <paramref name="ox"/>) of <paramref name="plane"/> (h × w) resized by the weights.</summary>
    public static double At(ReadOnlySpan<float> plane, int w, double[][] rows, double[][] columns, int oy, int ox)
    {
        double sum = 0;
        for (int y = 0; y < rows[oy].Length; y++)
        {
            for (int x = 0; x < w; x++)
            {
                sum += rows[oy][y] * columns[ox][x] * plane[(y * w) + x];
            }
        }

        return sum;
    }
}
