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
/// alike, and on a clip (a volume extent) every frame: the box lies on every frame, as a <see cref="BoxRegion"/> without
/// a frame range does. The region is a recipe: backends rasterise it, and its own share is the mean of the rasterised weights. On a
/// sequence (height 1) the fall-off may stop at a position (<see cref="Reach"/>, <see cref="WithReach"/>): from there on
/// the partner's weight is 0, so the partner is read only within its first <see cref="Reach"/> positions (SmoothMix
/// with valid lengths, where the tails would otherwise reach padding). On a clip the box may be limited to the frames
/// <c>[FirstFrame, EndFrame)</c> (<see cref="WithFrames"/>): on the other frames the sample keeps its own elements.
/// </summary>
/// <remarks>
/// <para><b>Rasterisation</b>, the one definition every backend uses (<see cref="RegionRasterizer.WriteOwnWeights"/>):
/// per row <c>gy = (float)exp(−dy²/(2σ²))</c>, per column <c>gx</c> likewise (computed in double, rounded once; 0 at and
/// past <see cref="Reach"/>); the sample's own weight is <c>1f − gy·gx</c> in float32 (one product, one difference).</para>
/// <para><b>Own share</b> (<see cref="Mean"/>): every own weight <c>1f − p</c> with p in [0, 1] is a multiple of
/// 2⁻²⁴ (for p ≥ ½ the difference is exact, for p &lt; ½ the result lies in (½, 1] whose spacing is 2⁻²⁴), so any
/// sum of up to 2²⁹ of them is exact in double, whatever the order, and the mean is that sum over the element count,
/// rounded once: the mean of the float32 weights the mixers use.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public sealed class SoftBoxRegion : MixRegion
{
    private double _total = double.NaN; // the exact sum of the own weights, computed once on demand; a double is written atomically

    /// <summary>Creates the recipe.</summary>
    /// <param name="spatial">The extent the box is drawn over: an image plane, a sequence (height 1) or a clip (the box
    /// on every frame).</param>
    /// <param name="top">First row of the box (inclusive).</param>
    /// <param name="left">First column of the box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the box (exclusive), at most the height.</param>
    /// <param name="right">Column after the last column of the box (exclusive), at most the width.</param>
    /// <param name="sigma">Standard deviation of the Gaussian fall-off, in elements; finite and greater than 0.</param>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed or outside the extent, or
    /// <paramref name="sigma"/> is not a finite positive number.</exception>
    public SoftBoxRegion(SpatialShape spatial, int top, int left, int bottom, int right, double sigma)
    {
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("A soft box is drawn over an image plane, a sequence or the frames of a clip; the extent was empty.", nameof(spatial));
        }

        Internal.Guard.BoxSide(top, bottom, spatial.Height, nameof(top), nameof(bottom), "A soft box");
        Internal.Guard.BoxSide(left, right, spatial.Width, nameof(left), nameof(right), "A soft box");

        Internal.Guard.PositiveFinite(sigma);
        Spatial = spatial;
        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
        Sigma = sigma;
    }

    private SoftBoxRegion(SoftBoxRegion region, int? reach, int firstFrame, int? endFrame)
        : this(region.Spatial, region.Top, region.Left, region.Bottom, region.Right, region.Sigma)
    {
        Reach = reach;
        FirstFrame = firstFrame;
        EndFrame = endFrame;
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

    /// <summary>On a sequence, the position from which on the sample keeps its own elements (the partner's weight is
    /// 0 there, however near the segment); null when the fall-off runs over the whole extent.</summary>
    public int? Reach { get; }

    /// <summary>On a clip, the first frame the box lies on (inclusive); 0 when it lies on every frame.</summary>
    public int FirstFrame { get; }

    /// <summary>On a clip, the frame after the last frame the box lies on (exclusive), or null when it lies on every frame.</summary>
    public int? EndFrame { get; }

    /// <summary>True when the box lies on the frames <c>[FirstFrame, EndFrame)</c> of a clip only.</summary>
    public bool HasFrameRange => EndFrame.HasValue;

    /// <summary>
    /// The same soft box on the frames <c>[firstFrame, endFrame)</c> of its clip only; on the other frames the sample keeps
    /// its own elements, so the partner is read on those frames only (SmoothMix's clips with frame counts). A range over
    /// every frame gives the region without one. JSON writes it as <c>"frames":[first, end]</c>.
    /// </summary>
    /// <param name="firstFrame">First frame (inclusive), at least 0.</param>
    /// <param name="endFrame">Frame after the last (exclusive), in (<paramref name="firstFrame"/>, T].</param>
    /// <returns>A new region.</returns>
    /// <exception cref="ArgumentException">The region is not on a clip.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed, negative or past the clip's T frames.</exception>
    public SoftBoxRegion WithFrames(int firstFrame, int endFrame)
    {
        Internal.Guard.FrameRange(firstFrame, endFrame, Spatial, "soft box");

        return firstFrame == 0 && endFrame == Spatial.Depth
            ? new SoftBoxRegion(Spatial, Top, Left, Bottom, Right, Sigma)
            : new SoftBoxRegion(this, null, firstFrame, endFrame);
    }

    /// <summary>The mean of the rasterised own weights: the exact own share (see the remarks).</summary>
    public double Mean => Total / Spatial.Size;

    /// <summary>The exact sum of the rasterised own weights (see the remarks).</summary>
    private double Total => double.IsNaN(_total) ? _total = ComputeTotal() : _total;

    /// <summary>
    /// The same soft segment with its fall-off stopped at position <paramref name="reach"/> of the sequence: from there
    /// on the sample keeps its own elements, so the partner is read within its first <paramref name="reach"/>
    /// positions only. A reach equal to the sequence's length gives the region without one.
    /// </summary>
    /// <param name="reach">The first position the partner does not reach, in [<see cref="Right"/>, <c>Spatial.Width</c>].</param>
    /// <returns>A new region.</returns>
    /// <exception cref="ArgumentException">The region is on an image plane (a reach runs along a sequence).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reach"/> is outside [<see cref="Right"/>, <c>Spatial.Width</c>].</exception>
    public SoftBoxRegion WithReach(int reach)
    {
        if (Spatial.Rank != 1)
        {
            throw new ArgumentException($"A reach runs along a sequence; this soft box is on a {Spatial} image plane.", nameof(reach));
        }

        if (reach < Right || reach > Spatial.Width)
        {
            throw new ArgumentOutOfRangeException(nameof(reach), reach, $"The reach must lie in [{Right}, {Spatial.Width}] for the segment [{Left}, {Right}) of a sequence of {Spatial.Width}; it was {reach}.");
        }

        return reach == Spatial.Width ? new SoftBoxRegion(Spatial, Top, Left, Bottom, Right, Sigma) : new SoftBoxRegion(this, reach, 0, null);
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.SoftBox;

    /// <inheritdoc />
    public override TResult Accept<TResult>(IMixRegionVisitor<TResult> visitor)
    {
        ArgumentNullException.ThrowIfNull(visitor);
        return visitor.VisitSoftBox(this);
    }

    /// <inheritdoc />
    public override string ToString() => (Reach, EndFrame) switch
    {
        (int reach, _) => $"soft box rows [{Top}, {Bottom}) cols [{Left}, {Right}), sigma {Sigma}, within the first {reach}",
        (_, int end) => $"soft box frames [{FirstFrame}, {end}) rows [{Top}, {Bottom}) cols [{Left}, {Right}), sigma {Sigma}",
        _ => $"soft box rows [{Top}, {Bottom}) cols [{Left}, {Right}), sigma {Sigma}",
    };

    /// <summary>True when the box lies on frame <paramref name="frame"/> (every frame without a range).</summary>
    internal bool CoversFrame(int frame) => frame >= FirstFrame && frame < (EndFrame ?? int.MaxValue);

    /// <summary>Writes the own weight of every element, row-major (<paramref name="weights"/> holds the extent): the
    /// first frame, then copies of it on a clip's other frames.</summary>
    internal void Rasterise(Span<float> weights)
    {
        int h = Spatial.Height, w = Spatial.Width, frame = h * w;
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

            // Frame 0's raster on the box's frames, weight 1 (the sample's own) on the others.
            for (int t = Spatial.Depth - 1; t >= 0; t--)
            {
                if (!CoversFrame(t))
                {
                    weights.Slice(t * frame, frame).Fill(1f);
                }
                else if (t > 0)
                {
                    weights[..frame].CopyTo(weights.Slice(t * frame, frame));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The fall-off table of this box's σ, long enough for every row and column distance.</summary>
    internal GaussianFalloff Falloff() => GaussianFalloff.For(Sigma, Math.Max(Spatial.Height, Spatial.Width));

    /// <summary>The partner's weight per column: <c>g(dx)</c>, 1 within the box's columns, 0 from <see cref="Reach"/> on.</summary>
    internal void FillColumns(float[] g, Span<float> columns)
    {
        int reach = Math.Min(Reach ?? columns.Length, columns.Length);
        for (int x = 0; x < reach; x++)
        {
            columns[x] = g[Distance(x, Left, Right)];
        }

        columns[reach..].Clear();
    }

    /// <summary>The distance of row or column <paramref name="i"/> to [start, end): 0 inside.</summary>
    internal static int Distance(int i, int start, int end) => i < start ? start - i : i >= end ? i - (end - 1) : 0;

    private protected override void Measure(SpatialShape spatial, ReadOnlySpan<double> weights, Span<double> shares)
    {
        // Over a sequence's first n positions (a valid length at or past the reach): the positions cut off all weigh
        // exactly 1, so the sum over the first n is the total less their count, exact in double.
        shares[0] = spatial == Spatial ? Mean : (Total - (Spatial.Size - spatial.Size)) / spatial.Size;
        shares[1] = 1.0 - shares[0];
    }

    private protected override void ValidateFit(SpatialShape spatial, int sourceCount, int sample, string name)
    {
        // A sequence's soft segment is also measured over the sample's first positions (its valid length), which hold
        // every position the partner reaches.
        bool validPart = Spatial.Rank == 1 && spatial.Rank == 1 && spatial.Width >= (Reach ?? Spatial.Width) && spatial.Width <= Spatial.Width;

        // A clip's soft box is also measured over the sample's first frames (its frame count), which hold its frames.
        validPart |= Spatial.Rank == 3 && spatial.Rank == 3 && spatial.Height == Spatial.Height && spatial.Width == Spatial.Width
            && spatial.Depth >= (EndFrame ?? Spatial.Depth) && spatial.Depth <= Spatial.Depth;
        if (Spatial != spatial && !validPart)
        {
            throw new ArgumentException($"The soft box{OfSample(sample)} is for a {Spatial} extent, not {spatial}.", name);
        }
    }

    private double ComputeTotal()
    {
        // Elements at the same row distance dy and column distance dx have the same weight 1f − g(dy)·g(dx), so each
        // pair of distances is weighed once, times the number of rows and columns at those distances; past
        // OwnOnlyFrom every weight is exactly 1. Every weight is a multiple of 2^-24 in [0, 1] and each product with a
        // count and each partial sum stays below 2^29, so every step is exact in double, in any order: the sum is the
        // sum of the rasterised float32 weights, element by element. A clip's frames are alike: one frame's sum, times
        // the box's frame count, plus the frames it does not lie on, whose weights are all 1 (exact too: an integer times a
        // multiple of 2^-24, below 2^29).
        int h = Spatial.Height, w = Spatial.Width, reach = Reach ?? w; // columns from the reach on weigh 1: never counted
        GaussianFalloff falloff = Falloff();
        int columnDistances = Math.Max(Left, reach - Right) + 1;
        double[] countsArray = ArrayPool<double>.Shared.Rent(columnDistances);
        try
        {
            Span<double> columnCounts = countsArray.AsSpan(0, columnDistances);
            for (int dx = 0; dx < columnDistances; dx++)
            {
                columnCounts[dx] = dx == 0 ? Right - Left : (Left - dx >= 0 ? 1 : 0) + (Right - 1 + dx < reach ? 1 : 0);
            }

            double total = 0;
            for (int dy = 0, rowDistances = Math.Max(Top, h - Bottom) + 1; dy < rowDistances; dy++)
            {
                int rows = dy == 0 ? Bottom - Top : (Top - dy >= 0 ? 1 : 0) + (Bottom - 1 + dy < h ? 1 : 0);
                total += rows * (dy < falloff.OwnOnlyFrom ? RowSum(falloff.Values[dy], falloff, columnCounts, w) : w);
            }

            int frames = EndFrame is int end ? end - FirstFrame : Spatial.Depth;
            return (total * frames) + ((double)(Spatial.Depth - frames) * h * w);
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
