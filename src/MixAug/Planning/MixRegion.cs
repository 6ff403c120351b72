namespace MixAug.Planning;

/// <summary>
/// Where and how one sample of a plan takes pixels from its partner. Regions are immutable data; the backends
/// interpret them, and the labels come from the lambda that the plan stores next to them.
/// </summary>
/// <remarks>The kinds are <see cref="KeepRegion"/>, <see cref="BlendRegion"/>, <see cref="BoxRegion"/> and
/// <see cref="MaskRegion"/>.</remarks>
/// <threadsafety>Immutable; safe to share between plans and threads.</threadsafety>
public abstract class MixRegion
{
    private protected MixRegion()
    {
    }

    /// <summary>The region of an unmixed sample.</summary>
    public static KeepRegion Keep { get; } = new();

    /// <summary>The region of a whole-sample interpolation; the weight is the plan's lambda.</summary>
    public static BlendRegion Blend { get; } = new();

    /// <summary>The kind of this region.</summary>
    public abstract MixRegionKind Kind { get; }

    /// <summary>
    /// The share of the sample's own content that survives in its output, measured from the region itself:
    /// 1 for <see cref="KeepRegion"/>, <paramref name="lambda"/> for a blend, 1 − box area / plane area for a box,
    /// the mean weight of a mask.
    /// </summary>
    /// <param name="shape">The batch shape the region belongs to.</param>
    /// <param name="lambda">The plan's lambda for the sample (used by blends only).</param>
    /// <returns>A value in [0, 1].</returns>
    public abstract double OwnShare(BatchShape shape, double lambda);

    /// <summary>Throws when the region does not fit <paramref name="shape"/>; <paramref name="sample"/> goes in the message.</summary>
    internal abstract void Validate(BatchShape shape, int sample);
}

/// <summary>The sample is left unchanged: its output equals its input bit for bit.</summary>
public sealed class KeepRegion : MixRegion
{
    internal KeepRegion()
    {
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Keep;

    /// <inheritdoc />
    public override double OwnShare(BatchShape shape, double lambda) => 1.0;

    internal override void Validate(BatchShape shape, int sample)
    {
    }

    /// <inheritdoc />
    public override string ToString() => "keep";
}

/// <summary>
/// The whole sample is interpolated with its partner: <c>out = x·λ + partner·(1 − λ)</c>, λ being the plan's lambda.
/// </summary>
public sealed class BlendRegion : MixRegion
{
    internal BlendRegion()
    {
    }

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Blend;

    /// <inheritdoc />
    public override double OwnShare(BatchShape shape, double lambda) => lambda;

    internal override void Validate(BatchShape shape, int sample)
    {
    }

    /// <inheritdoc />
    public override string ToString() => "blend";
}

/// <summary>
/// The partner's pixels inside the half-open box <c>[Top, Bottom) × [Left, Right)</c> replace the sample's, in every
/// channel (and in every depth slice of a volume); everything else is the sample's own.
/// </summary>
public sealed class BoxRegion : MixRegion
{
    /// <summary>Creates a box; coordinates are checked against a shape when a plan is built.</summary>
    /// <param name="top">First row of the box (inclusive).</param>
    /// <param name="left">First column of the box (inclusive).</param>
    /// <param name="bottom">Row after the last row of the box (exclusive).</param>
    /// <param name="right">Column after the last column of the box (exclusive).</param>
    /// <exception cref="ArgumentOutOfRangeException">The box is empty, reversed, or has negative coordinates.</exception>
    public BoxRegion(int top, int left, int bottom, int right)
    {
        if (top < 0 || left < 0 || bottom <= top || right <= left)
        {
            throw new ArgumentOutOfRangeException(
                nameof(top),
                $"A box needs 0 <= top < bottom and 0 <= left < right; it was top {top}, left {left}, bottom {bottom}, right {right}.");
        }

        Top = top;
        Left = left;
        Bottom = bottom;
        Right = right;
    }

    /// <summary>First row of the box (inclusive).</summary>
    public int Top { get; }

    /// <summary>First column of the box (inclusive).</summary>
    public int Left { get; }

    /// <summary>Row after the last row of the box (exclusive).</summary>
    public int Bottom { get; }

    /// <summary>Column after the last column of the box (exclusive).</summary>
    public int Right { get; }

    /// <summary>Number of pixels in one plane covered by the box.</summary>
    public long Area => (long)(Bottom - Top) * (Right - Left);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Box;

    /// <inheritdoc />
    public override double OwnShare(BatchShape shape, double lambda) => ShareOutside(Area, (long)shape.Height * shape.Width);

    /// <summary>The exact share of a plane of <paramref name="planeArea"/> pixels left outside a box of <paramref name="area"/>.</summary>
    internal static double ShareOutside(long area, long planeArea) => (double)(planeArea - area) / planeArea;

    internal override void Validate(BatchShape shape, int sample)
    {
        if (Bottom > shape.Height || Right > shape.Width)
        {
            throw new ArgumentException(
                $"The box of sample {sample} ({this}) does not fit a {shape.Height}x{shape.Width} plane.", "regions");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"box rows [{Top}, {Bottom}) cols [{Left}, {Right})";
}

/// <summary>
/// A per-pixel weight of the sample itself, one value per plane element (<see cref="BatchShape.PlaneSize"/>, in
/// plane order), shared by all channels: <c>out = x·m + partner·(1 − m)</c>. Binary masks select, soft ones blend.
/// </summary>
public sealed class MaskRegion : MixRegion
{
    private readonly float[] _weights;
    private double? _mean;

    /// <summary>Creates a mask from a copy of <paramref name="weights"/>.</summary>
    /// <param name="weights">Weights of the sample itself, each finite and in [0, 1].</param>
    /// <exception cref="ArgumentException">The mask is empty, or a weight is outside [0, 1] or not finite.</exception>
    public MaskRegion(ReadOnlySpan<float> weights)
        : this(weights.ToArray(), validate: true)
    {
    }

    /// <summary>Wraps an array the caller gives up; internal code that built and checked it skips the copy.</summary>
    internal MaskRegion(float[] weights, bool validate)
    {
        if (validate)
        {
            if (weights.Length == 0)
            {
                throw new ArgumentException("A mask needs at least one weight.", nameof(weights));
            }

            for (int i = 0; i < weights.Length; i++)
            {
                float w = weights[i];
                if (!(w >= 0f && w <= 1f))
                {
                    throw new ArgumentException($"Mask weight {i} is {w}; weights must lie in [0, 1].", nameof(weights));
                }
            }
        }

        _weights = weights;
    }

    /// <summary>The weights of the sample itself, in plane order.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <summary>The backing array, for kernels that pin it; never exposed for writing.</summary>
    internal float[] WeightArray => _weights;

    /// <summary>The mean weight, computed in double precision: the exact own share of a binary mask.</summary>
    public double Mean => _mean ??= ComputeMean(_weights);

    /// <inheritdoc />
    public override MixRegionKind Kind => MixRegionKind.Mask;

    /// <inheritdoc />
    public override double OwnShare(BatchShape shape, double lambda) => Mean;

    internal override void Validate(BatchShape shape, int sample)
    {
        if (_weights.Length != shape.PlaneSize)
        {
            throw new ArgumentException(
                $"The mask of sample {sample} has {_weights.Length} weights but a plane of {shape} has {shape.PlaneSize}.", "regions");
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"mask of {_weights.Length} weights, mean {Mean}";

    private static double ComputeMean(float[] weights)
    {
        double sum = 0;
        foreach (float w in weights)
        {
            sum += w;
        }

        return sum / weights.Length;
    }
}
