using MixAug.Planning;

namespace MixAug.Tests.Saliency;

/// <summary>
/// A slow, obvious double-precision transcription of OpenCV contrib's <c>StaticSaliencyFineGrained</c>
/// (modules/saliency/src/staticSaliencyFineGrained.cpp: calcIntensityChannel, getIntensityScaled, getMean, mixScales,
/// mixOnOff) without its 8-bit truncations: loops in OpenCV's order, the 2D blur by its definition, and every window
/// sum added up pixel by pixel where OpenCV reads four corners of an integral image. The knobs exist for planted
/// defects (a changed neighbourhood, a missing blur).
/// </summary>
internal static class FineGrainedReference
{
    internal static readonly int[] OpenCvNeighbourhoods = [3 * 4, 3 * 4 * 2, 3 * 4 * 2 * 2, 7 * 4, 7 * 4 * 2, 7 * 4 * 2 * 2];

    public static double[] Map(BatchShape shape, float[] image, int[]? neighbourhoods = null, int blurs = 2)
    {
        int h = shape.Height, w = shape.Width;
        double[] gray = Gray(shape, image);
        double low = gray.Min(), high = gray.Max();
        if (h * w == 1 || !(high - low > 1e-6 * Math.Max(Math.Abs(low), Math.Abs(high))))
        {
            return new double[h * w];
        }

        for (int i = 0; i < blurs; i++)
        {
            gray = Blur3x3(gray, h, w);
        }

        // getIntensityScaled and mixScales: the sums of the on- and off-centre maps over the scales.
        var on = new double[h * w];
        var off = new double[h * w];
        foreach (int n in neighbourhoods ?? OpenCvNeighbourhoods)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                {
                    double value = SurroundMean(gray, h, w, y, x, n);
                    double meanOn = gray[(y * w) + x] - value, meanOff = value - gray[(y * w) + x];
                    on[(y * w) + x] += meanOn > 0 ? meanOn : 0;
                    off[(y * w) + x] += meanOff > 0 ? meanOff : 0;
                }
            }
        }

        // mixScales' normalisation of each sum by its maximum, then mixOnOff: their sum over the larger maximum.
        double maxOn = on.Max(), maxOff = off.Max();
        var normOn = on.Select(v => maxOn > 0 ? v / maxOn : 0).ToArray();
        var normOff = off.Select(v => maxOff > 0 ? v / maxOff : 0).ToArray();
        double maxVal = Math.Max(normOn.Max(), normOff.Max());
        return [.. normOn.Zip(normOff, (a, b) => maxVal > 0 ? (a + b) / maxVal : 0)];
    }

    /// <summary>cvtColor(BGR2GRAY) weights for channels in R, G, B order; other channel counts average.</summary>
    public static double[] Gray(BatchShape shape, float[] image)
    {
        int plane = shape.PlaneSize, channels = shape.Channels;
        var gray = new double[plane];
        for (int p = 0; p < plane; p++)
        {
            if (channels == 3)
            {
                gray[p] = (0.299 * image[p]) + (0.587 * image[plane + p]) + (0.114 * image[(2 * plane) + p]);
            }
            else
            {
                double sum = 0;
                for (int c = 0; c < channels; c++)
                {
                    sum += image[(c * plane) + p];
                }

                gray[p] = sum / channels;
            }
        }

        return gray;
    }

    /// <summary>GaussianBlur(Size(3, 3), 0, 0): taps (1/4, 1/2, 1/4) per axis, BORDER_REFLECT_101, as one 2D sum.</summary>
    public static double[] Blur3x3(double[] gray, int h, int w)
    {
        double[] taps = [0.25, 0.5, 0.25];
        var blurred = new double[h * w];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int dy = -1; dy <= 1; dy++)
                {
                    for (int dx = -1; dx <= 1; dx++)
                    {
                        sum += taps[dy + 1] * taps[dx + 1] * gray[(Reflect101(y + dy, h) * w) + Reflect101(x + dx, w)];
                    }
                }

                blurred[(y * w) + x] = sum;
            }
        }

        return blurred;
    }

    /// <summary>OpenCV's borderInterpolate for BORDER_REFLECT_101 (gfedcb|abcdefgh|gfedcba); a length of 1 gives 0.</summary>
    private static int Reflect101(int i, int n) => n == 1 ? 0 : i < 0 ? -i : i >= n ? (2 * n) - 2 - i : i;

    /// <summary>
    /// getMean: the integral image's corners P1 = (x − n + 1, y − n + 1) and P2 = (x + n + 1, y + n + 1), each clamped to
    /// [0, W] and [0, H] (the integral image's last column and row), enclose rows P1.y … P2.y − 1 and columns
    /// P1.x … P2.x − 1; the mean of that window without the centre pixel.
    /// </summary>
    private static double SurroundMean(double[] gray, int h, int w, int y, int x, int n)
    {
        int x1 = Math.Clamp(x - n + 1, 0, w), y1 = Math.Clamp(y - n + 1, 0, h);
        int x2 = Math.Clamp(x + n + 1, 0, w), y2 = Math.Clamp(y + n + 1, 0, h);
        double sum = 0;
        for (int yy = y1; yy < y2; yy++)
        {
            for (int xx = x1; xx < x2; xx++)
            {
                sum += gray[(yy * w) + xx];
            }
        }

        return (sum - gray[(y * w) + x]) / (((x2 - x1) * (y2 - y1)) - 1);
    }
}
