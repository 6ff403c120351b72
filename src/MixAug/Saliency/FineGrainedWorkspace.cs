using System.Numerics;
using System.Numerics.Tensors;

namespace MixAug.Saliency;

/// <summary>
/// The buffers and steps of <see cref="FineGrainedSaliency"/> for one image size: grayscale and blur in float32, an
/// integral image in double (window sums of up to 225² values stay exact to about 10⁻¹² of the sum, where float32
/// would lose the small surround differences to cancellation), and the six centre-surround maps accumulated per row
/// in double, SIMD across a row.
/// </summary>
internal sealed class FineGrainedWorkspace
{
    [ThreadStatic]
    private static FineGrainedWorkspace? t_kept;

    // Images up to this many pixels keep their workspace per thread; larger ones allocate per call.
    private const int MaxKeptPixels = 512 * 512;

    // The band of window-column sums is padded by the largest neighbourhood on both sides, so that every window's
    // clipped columns read the clipped sums without a branch: 0 on the left, the whole band on the right.
    private const int Pad = 112;

    private readonly int _height, _width;
    private readonly float[] _gray, _blurred, _off;
    private readonly double[] _integral, _band, _grayRow, _onRow, _offRow;

    // Per neighbourhood, the number of columns of each pixel's window after clipping: min(x+n+1, W) − max(x−n+1, 0).
    private readonly double[][] _columns;

    private FineGrainedWorkspace(int height, int width)
    {
        _height = height;
        _width = width;
        _gray = new float[height * width];
        _blurred = new float[height * width];
        _off = new float[height * width];
        _integral = new double[(height + 1) * (width + 1)];
        _band = new double[width + 1 + (2 * Pad)];
        _grayRow = new double[width];
        _onRow = new double[width];
        _offRow = new double[width];
        ReadOnlySpan<int> neighbourhoods = FineGrainedSaliency.Neighbourhoods;
        _columns = new double[neighbourhoods.Length][];
        for (int s = 0; s < neighbourhoods.Length; s++)
        {
            int n = neighbourhoods[s];
            _columns[s] = new double[width];
            for (int x = 0; x < width; x++)
            {
                _columns[s][x] = Math.Min(x + n + 1, width) - Math.Max(x - n + 1, 0);
            }
        }
    }

    /// <summary>The calling thread's workspace for the size (kept for small images), or a new one.</summary>
    public static FineGrainedWorkspace For(int height, int width)
    {
        if (t_kept is { } kept && kept._height == height && kept._width == width)
        {
            return kept;
        }

        var made = new FineGrainedWorkspace(height, width);
        if ((long)height * width <= MaxKeptPixels)
        {
            t_kept = made;
        }

        return made;
    }

    /// <summary>Step 1: the grayscale plane; returns its minimum and maximum.</summary>
    public (float Low, float High) Grayscale(ReadOnlySpan<float> sample, int channels)
    {
        int plane = _height * _width;
        Span<float> gray = _gray;
        if (channels == 3)
        {
            TensorPrimitives.Multiply(sample[..plane], 0.299f, gray);
            TensorPrimitives.MultiplyAdd(sample.Slice(plane, plane), 0.587f, gray, gray);
            TensorPrimitives.MultiplyAdd(sample.Slice(2 * plane, plane), 0.114f, gray, gray);
        }
        else
        {
            sample[..plane].CopyTo(gray);
            for (int c = 1; c < channels; c++)
            {
                TensorPrimitives.Add(gray, sample.Slice(c * plane, plane), gray);
            }

            TensorPrimitives.Multiply(gray, 1f / channels, gray);
        }

        return (TensorPrimitives.Min(gray), TensorPrimitives.Max(gray));
    }

    /// <summary>Step 2, once: the (¼, ½, ¼) blur along x into the scratch plane, then along y back, reflect-101 borders.</summary>
    public void Blur()
    {
        int h = _height, w = _width;
        for (int y = 0; y < h; y++)
        {
            BlurLine(_gray.AsSpan(y * w, w), _blurred.AsSpan(y * w, w));
        }

        for (int y = 0; y < h; y++)
        {
            // Reflect-101: the row before the first is the second, the row after the last the one before it; a
            // single row is its own neighbour (OpenCV's borderInterpolate for a length of 1).
            int up = y > 0 ? y - 1 : Math.Min(1, h - 1), down = y < h - 1 ? y + 1 : Math.Max(h - 2, 0);
            Span<float> row = _gray.AsSpan(y * w, w);
            TensorPrimitives.Add(_blurred.AsSpan(up * w, w), _blurred.AsSpan(down * w, w), row);
            TensorPrimitives.Multiply(row, 0.25f, row);
            TensorPrimitives.MultiplyAdd(_blurred.AsSpan(y * w, w), 0.5f, row, row);
        }
    }

    private static void BlurLine(ReadOnlySpan<float> line, Span<float> blurred)
    {
        int w = line.Length;
        if (w == 1)
        {
            blurred[0] = line[0];
            return;
        }

        Span<float> inner = blurred[1..(w - 1)];
        TensorPrimitives.Add(line[..(w - 2)], line[2..], inner);
        TensorPrimitives.Multiply(inner, 0.25f, inner);
        TensorPrimitives.MultiplyAdd(line[1..(w - 1)], 0.5f, inner, inner);
        blurred[0] = (0.25f * (line[1] + line[1])) + (0.5f * line[0]);
        blurred[w - 1] = (0.25f * (line[w - 2] + line[w - 2])) + (0.5f * line[w - 1]);
    }

    /// <summary>The integral image of the blurred plane: entry (y, x) sums rows &lt; y and columns &lt; x.</summary>
    public void Integrate()
    {
        int h = _height, w = _width, stride = w + 1;
        for (int y = 0; y < h; y++)
        {
            ReadOnlySpan<float> row = _gray.AsSpan(y * w, w);
            Span<double> above = _integral.AsSpan(y * stride, stride), here = _integral.AsSpan((y + 1) * stride, stride);
            double running = 0;
            for (int x = 0; x < w; x++)
            {
                running += row[x];
                here[x + 1] = above[x + 1] + running;
            }
        }
    }

    /// <summary>Steps 3–4: writes On to <paramref name="on"/> and Off to the workspace; returns their maxima.</summary>
    public (double MaxOn, double MaxOff) CentreSurround(Span<float> on)
    {
        int h = _height, w = _width, stride = w + 1;
        ReadOnlySpan<int> neighbourhoods = FineGrainedSaliency.Neighbourhoods;
        Span<double> band = _band, g = _grayRow, onRow = _onRow, offRow = _offRow;
        double maxOn = 0, maxOff = 0;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                g[x] = _gray[(y * w) + x];
            }

            onRow.Clear();
            offRow.Clear();
            for (int s = 0; s < neighbourhoods.Length; s++)
            {
                int n = neighbourhoods[s];
                int top = Math.Clamp(y - n + 1, 0, h), bottom = Math.Clamp(y + n + 1, 0, h);
                Span<double> sums = band.Slice(Pad, stride);
                TensorPrimitives.Subtract(_integral.AsSpan(bottom * stride, stride), _integral.AsSpan(top * stride, stride), sums);
                band[(Pad + stride)..].Fill(sums[w]);
                AccumulateRow(band, g, _columns[s], bottom - top, n, onRow, offRow);
            }

            Span<float> onOut = on.Slice(y * w, w), offOut = _off.AsSpan(y * w, w);
            for (int x = 0; x < w; x++)
            {
                onOut[x] = (float)onRow[x];
                offOut[x] = (float)offRow[x];
            }

            maxOn = Math.Max(maxOn, TensorPrimitives.Max<double>(onRow));
            maxOff = Math.Max(maxOff, TensorPrimitives.Max<double>(offRow));
        }

        return (maxOn, maxOff);
    }

    /// <summary>
    /// One neighbourhood's on- and off-centre values of one row, added to the row's sums: the window sum
    /// S = band[x+n+1] − band[x−n+1] (padded band), its area a = rows·columns, the difference
    /// g − (S − g)/(a − 1) = (g·a − S)/(a − 1), split by sign.
    /// </summary>
    private static void AccumulateRow(ReadOnlySpan<double> band, ReadOnlySpan<double> g, ReadOnlySpan<double> columns, int rows, int n, Span<double> on, Span<double> off)
    {
        int w = g.Length, right = Pad + n + 1, left = Pad - n + 1;
        int x = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var rowCount = new Vector<double>(rows);
            for (; x <= w - Vector<double>.Count; x += Vector<double>.Count)
            {
                Vector<double> sum = new Vector<double>(band[(right + x)..]) - new Vector<double>(band[(left + x)..]);
                Vector<double> area = new Vector<double>(columns[x..]) * rowCount;
                Vector<double> d = ((new Vector<double>(g[x..]) * area) - sum) / (area - Vector<double>.One);
                (Vector.Max(d, Vector<double>.Zero) + new Vector<double>(on[x..])).CopyTo(on[x..]);
                (Vector.Max(-d, Vector<double>.Zero) + new Vector<double>(off[x..])).CopyTo(off[x..]);
            }
        }

        for (; x < w; x++)
        {
            double sum = band[right + x] - band[left + x], area = columns[x] * rows;
            double d = ((g[x] * area) - sum) / (area - 1);
            on[x] += Math.Max(d, 0);
            off[x] += Math.Max(-d, 0);
        }
    }

    /// <summary>Steps 5–6: On/max(On) + Off/max(Off) into <paramref name="grid"/> (which holds On).</summary>
    public void Combine(Span<float> grid, double maxOn, double maxOff)
    {
        float onScale = maxOn > 0 ? (float)(1 / maxOn) : 0, offScale = maxOff > 0 ? (float)(1 / maxOff) : 0;
        TensorPrimitives.Multiply(grid, onScale, grid);
        TensorPrimitives.MultiplyAdd(_off.AsSpan(0, grid.Length), offScale, grid, grid);
    }
}
