using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Regions;

/// <summary>
/// A box of the partner whose edges fade out as a Gaussian (SmoothMix): the partner's weight is 1 inside the half-open
/// box <c>[Top, Bottom) × [Left, Right)</c> and <c>g(dy)·g(dx)</c> outside it, where dy and dx are the row and column
/// distances to the box (0 within its rows or columns) and <c>g(d) = exp(−d² / (2σ²))</c>. Every channel is treated
/// alike. The region is a recipe: backends rasterise it, and its own share is the mean of the rasterised weights.
/// </summary>
/// <remarks>
/// <para><b>Rasterisation</b>, the one definition every backend uses (<see cref="RegionRasterizer.WriteOwnWeights"/>):
/// per row <c>gy = (float)exp(−dy²/(2σ²))</c>, per column <c>gx</c> likewise (computed in double, rounded once); the
/// sample's own weight is <c>1f − gy·gx</c> in float32 (one product, one difference).</para>
/// <para><b>Own share</b> (<see cref="Mean"/>): every own weight <c>1f − p</c> with p in [0, 1] is a multiple of
/// 2⁻²⁴ (for p ≥ ½ the difference is exact, for p &lt; ½ the result lies in (½, 1] whose spacing is 2⁻²⁴), so any
/// sum of up to 2²⁹ of them is exact in double, whatever the order, and the mean is that sum over the element count,
/// rounded once: the mean of the float32 weights the mixers use.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public sealed class SoftBoxRegion : MixRegion
{
    private double _mean = double.NaN; // computed once on demand; a double is written atomically

    /// <summary>Creates the recipe.</summary>
    /// <param name="spatial">The extent the box is drawn over: an image plane or a sequence (height 1).</param>
    /// <param name="top">First row of the box (inclusive).</param>
    /// <param name="left">First column of the box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the box (exclusive), at most the height.</param>
    /// <param name="right">Column after the last column of the box (exclusive), at most the width.</param>
    /// <param name="sigma">Standard deviation of the Gaussian fall-off, in elements; finite and greater than 0.</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty or a volume.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed or outside the extent, or
    /// <paramref name="sigma"/> is not a finite positive number.</exception>
    public SoftBoxRegion(SpatialShape spatial, int top, int left, int bottom, int right, double sigma)
    {
        if (spatial.IsEmpty || spatial.Rank == 3)
        {
            throw new ArgumentException($"A soft box is drawn over an image plane or a sequence; the extent was {(spatial.IsEmpty ? "empty" : spatial.ToString())}.", nameof(spatial));
        }

        if (top < 0 || bottom <= top || bottom > spatial.Height)
        {
            throw new ArgumentOutOfRangeException(
                top < 0 ? nameof(top) : nameof(bottom),
                $"A soft box needs 0 <= top < bottom <= {spatial.Height}; it was top {top}, bottom {bottom}.");
        }

        if (left < 0 || right <= left || right > spatial.Width)
        {
            throw new ArgumentOutOfRangeException(
                left < 0 ? nameof(left) : nameof(right),
                $"A soft box needs 0 <= left < right <= {spatial.Width}; it was left {left}, right {right}.");
        }

        Internal.Guard.PositiveFinite(sigma);
        Spatial = spatial;
        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
        Sigma = sigma;
    }

    /// <summary>The extent the box is drawn over.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>First row of the box (inclusive).</summary>
    public int Top { get; }

    /// <summary>First column of the box (inclusive).</summary>
    public int Left { get; }

    /// <summary>Row after the last row of the box (exclusive).</summary>
    public int Bottom { get; }

    /// <summary>Column after the last column of the box (exclusive).</summary>
    public int Right { get; }

    /// <summary>Standard deviation of the Gaussian fall-off, in elements.</summary>
    public double Sigma { get; }

    /// <summary>The mean of the rasterised own weights: the exact own share (see the remarks).</summary>
    public double Mean => double.IsNaN(_mean) ? _mean = ComputeMean() : _mean;

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.SoftBox;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitSoftBox(this);
    }

    /// <inheritdoc />
    public override string ToString() => $"soft box rows [{Top}, {Bottom}) cols [{Left}, {Right}), sigma {Sigma}";

    /// <summary>Writes the own weight of every element, row-major (<paramref name="weights"/> holds the extent).</summary>
    internal void Rasterise(Span<float> weights)
    {
        int h = Spatial.Height, w = Spatial.Width;
        float[] g = Falloff().Values;
        float[] rented = ArrayPool<float>.Shared.Rent(w);
        try
        {
            Span<float> columns = rented.AsSpan(0, w);
            FillColumns(g, columns);
            for (int y = 0; y < h; y++)
            {
                Span<float> row = weights.Slice(y * w, w);
                TensorPrimitives.Multiply(columns, g[Distance(y, Top, Bottom)], row);
                TensorPrimitives.Subtract(1f, row, row);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The fall-off table of this box's σ, long enough for every row and column distance.</summary>
    internal GaussianFalloff Falloff() => GaussianFalloff.For(Sigma, Math.Max(Spatial.Height, Spatial.Width));

    /// <summary>The partner's weight per column: <c>g(dx)</c>, 1 within the box's columns.</summary>
    internal void FillColumns(float[] g, Span<float> columns)
    {
        for (int x = 0; x < columns.Length; x++)
        {
            columns[x] = g[Distance(x, Left, Right)];
        }
    }

    /// <summary>The distance of row or column <paramref name="i"/> to [start, end): 0 inside.</summary>
    internal static int Distance(int i, int start, int end) => i < start ? start - i : i >= end ? i - (end - 1) : 0;

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        shares[0] = Mean;
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        if (Spatial != spatial)
        {
            throw new ArgumentException($"The soft box{OfSample(sample)} is for a {Spatial} extent, not {spatial}.", name);
        }
    }

    private double ComputeMean()
    {
        // Elements at the same row distance dy and column distance dx have the same weight 1f − g(dy)·g(dx), so each
        // pair of distances is weighed once, times the number of rows and columns at those distances; past
        // OwnOnlyFrom every weight is exactly 1. Every weight is a multiple of 2^-24 in [0, 1] and each product with a
        // count and each partial sum stays below 2^29, so every step is exact in double, in any order: the sum is the
        // sum of the rasterised float32 weights, element by element.
        int h = Spatial.Height, w = Spatial.Width;
        GaussianFalloff falloff = Falloff();
        int columnDistances = Math.Max(Left, w - Right) + 1;
        double[] countsArray = ArrayPool<double>.Shared.Rent(columnDistances);
        try
        {
            Span<double> columnCounts = countsArray.AsSpan(0, columnDistances);
            for (int dx = 0; dx < columnDistances; dx++)
            {
                columnCounts[dx] = dx == 0 ? Right - Left : (Left - dx >= 0 ? 1 : 0) + (Right - 1 + dx < w ? 1 : 0);
            }

            double total = 0;
            for (int dy = 0, rowDistances = Math.Max(Top, h - Bottom) + 1; dy < rowDistances; dy++)
            {
                int rows = dy == 0 ? Bottom - Top : (Top - dy >= 0 ? 1 : 0) + (Bottom - 1 + dy < h ? 1 : 0);
                total += rows * (dy < falloff.OwnOnlyFrom ? RowSum(falloff.Values[dy], falloff, columnCounts, w) : w);
            }

            return total / Spatial.Size;
        }
        finally
        {
            ArrayPool<double>.Shared.Return(countsArray);
        }
    }

    /// <summary>The exact sum of one row's own weights <c>1f − gy·g(dx)</c>, each weighed by its column count.</summary>
    private static double RowSum(float gy, GaussianFalloff falloff, ReadOnlySpan<double> columnCounts, int width)
    {
        ReadOnlySpan<float> g = falloff.Values;
        int n = Math.Min(columnCounts.Length, falloff.OwnOnlyFrom);
        var vgy = new Vector<float>(gy);
        Vector<double> sum = Vector<double>.Zero;
        double counted = 0; // columns whose weights are in the sum: the rest weigh exactly 1
        int dx = 0;
        for (; dx <= n - Vector<float>.Count; dx += Vector<float>.Count)
        {
            Vector<float> own = Vector<float>.One - (vgy * new Vector<float>(g[dx..]));
            if (Vector.EqualsAll(own, Vector<float>.One))
            {
                n = dx; // g never grows with the distance: every later weight is 1 as well
                break;
            }

            Vector.Widen(own, out Vector<double> low, out Vector<double> high);
            Vector<double> countsLow = new(columnCounts[dx..]), countsHigh = new(columnCounts[(dx + Vector<double>.Count)..]);
            sum += (low * countsLow) + (high * countsHigh);
            counted += Vector.Sum(countsLow + countsHigh);
        }

        double total = Vector.Sum(sum);
        for (; dx < n; dx++)
        {
            total += columnCounts[dx] * (double)(1f - (gy * g[dx]));
            counted += columnCounts[dx];
        }

        return total + (width - counted);
    }
}
