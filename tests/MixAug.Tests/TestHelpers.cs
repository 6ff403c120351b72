using MixAug.Planning;

namespace MixAug.Tests;

internal static class TestHelpers
{
    /// <summary>Spatial extents of a shape, slowest first.</summary>
    public static int[] SpatialDims(BatchShape shape) => shape.SpatialRank switch
    {
        1 => [shape.Width],
        2 => [shape.Height, shape.Width],
        _ => [shape.Depth, shape.Height, shape.Width],
    };

    /// <summary>Forward DFT of a real row-major array by the definition, one axis at a time (O(N·Σ n)).</summary>
    public static (double[] Re, double[] Im) NaiveForwardDft(double[] values, int[] dims)
    {
        int total = values.Length;
        double[] re = (double[])values.Clone();
        var im = new double[total];
        int inner = total;
        for (int a = 0; a < dims.Length; a++)
        {
            int n = dims[a];
            inner /= n;
            var outRe = new double[total];
            var outIm = new double[total];
            for (int block = 0; block < total / (n * inner); block++)
            {
                for (int c = 0; c < inner; c++)
                {
                    int baseIndex = (block * n * inner) + c;
                    for (int k = 0; k < n; k++)
                    {
                        double sr = 0, si = 0;
                        for (int t = 0; t < n; t++)
                        {
                            double angle = -2 * Math.PI * ((long)t * k % n) / n;
                            double cos = Math.Cos(angle), sin = Math.Sin(angle);
                            double xr = re[baseIndex + (t * inner)], xi = im[baseIndex + (t * inner)];
                            sr += (xr * cos) - (xi * sin);
                            si += (xr * sin) + (xi * cos);
                        }

                        outRe[baseIndex + (k * inner)] = sr;
                        outIm[baseIndex + (k * inner)] = si;
                    }
                }
            }

            re = outRe;
            im = outIm;
        }

        return (re, im);
    }
}
