namespace MixAug.Saliency;

/// <summary>
/// The area weights of one image size (steps 1–2), in float: per grid row the image rows it covers and their
/// weights, per grid column the image columns and theirs (zero weights trimmed).
/// </summary>
internal sealed class AreaResampling
{
    public AreaResampling(int height, int width, int resolution)
    {
        (RowStart, RowCount, RowWeight, RowTaps) = Trimmed(height, resolution);
        (ColumnStart, ColumnCount, ColumnWeight, ColumnTaps) = Trimmed(width, resolution);
        ImageRowStart = new int[height + 1];
        for (int i = 0; i < resolution; i++)
        {
            for (int t = 0; t < RowCount[i]; t++)
            {
                ImageRowStart[RowStart[i] + t + 1]++;
            }
        }

        for (int y = 0; y < height; y++)
        {
            ImageRowStart[y + 1] += ImageRowStart[y];
        }

        ImageRowTarget = new int[ImageRowStart[height]];
        ImageRowWeight = new float[ImageRowStart[height]];
        int[] filled = ImageRowStart[..^1];
        for (int i = 0; i < resolution; i++) // ascending grid rows: each image row's targets come out sorted
        {
            for (int t = 0; t < RowCount[i]; t++)
            {
                int k = filled[RowStart[i] + t]++;
                ImageRowTarget[k] = i;
                ImageRowWeight[k] = RowWeight[(i * RowTaps) + t];
            }
        }
    }

    /// <summary>Image row y feeds grid rows ImageRowTarget[ImageRowStart[y] … ImageRowStart[y + 1]) with ImageRowWeight.</summary>
    public int[] ImageRowStart { get; }

    /// <summary>The grid rows of each image row, ascending (see <see cref="ImageRowStart"/>).</summary>
    public int[] ImageRowTarget { get; }

    /// <summary>Their weights.</summary>
    public float[] ImageRowWeight { get; }

    /// <summary>Per grid row, its first image row.</summary>
    public int[] RowStart { get; }

    /// <summary>Per grid row, how many image rows it covers (weights after the last positive one trimmed).</summary>
    public int[] RowCount { get; }

    /// <summary>[grid row · RowTaps + t].</summary>
    public float[] RowWeight { get; }

    /// <summary>Row stride of <see cref="RowWeight"/>.</summary>
    public int RowTaps { get; }

    /// <summary>Per grid column, its first image column.</summary>
    public int[] ColumnStart { get; }

    /// <summary>Per grid column, how many image columns it covers (trimmed like <see cref="RowCount"/>).</summary>
    public int[] ColumnCount { get; }

    /// <summary>[grid column · ColumnTaps + t].</summary>
    public float[] ColumnWeight { get; }

    /// <summary>Row stride of <see cref="ColumnWeight"/>.</summary>
    public int ColumnTaps { get; }

    /// <summary><see cref="SpectralResidualSaliency.AreaWeights"/> rounded to float, each cell's zero weights after its last positive one trimmed from its count.</summary>
    private static (int[] Start, int[] Count, float[] Weights, int Taps) Trimmed(int source, int target)
    {
        (int[] start, double[] weights, int taps) = SpectralResidualSaliency.AreaWeights(source, target);
        var count = new int[target];
        var single = new float[weights.Length];
        for (int j = 0; j < target; j++)
        {
            int n = 0;
            for (int t = 0; t < taps; t++)
            {
                double weight = weights[(j * taps) + t];
                single[(j * taps) + t] = (float)weight;
                if (weight > 0)
                {
                    n = t + 1;
                }
            }

            count[j] = n;
        }

        return (start, count, single, taps);
    }
}
