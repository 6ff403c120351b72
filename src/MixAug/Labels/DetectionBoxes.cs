namespace MixAug.Labels;

/// <summary>
/// The detection boxes of one image: corners <c>x0, y0, x1, y1</c> in pixels (x along the width, y along the height;
/// pixel column c covers [c, c + 1)), a class and a weight per box. <see cref="BoxMixer"/> takes one per image and
/// returns one per mixed image, the weights then saying how much of each box the mix kept.
/// </summary>
/// <threadsafety>Immutable; the arrays are copies owned by this instance.</threadsafety>
public sealed class DetectionBoxes
{
    private readonly float[] _corners;
    private readonly int[] _classes;
    private readonly float[] _weights;

    /// <summary>Creates the boxes of one image from copies of the spans.</summary>
    /// <param name="corners">Four values per box, <c>x0, y0, x1, y1</c>, finite, with x0 &lt; x1 and y0 &lt; y1.</param>
    /// <param name="classes">The class of each box.</param>
    /// <param name="weights">The weight of each box, finite and in [0, 1]; empty for weight 1 everywhere.</param>
    /// <exception cref="ArgumentException">The lengths do not match, a box is empty, reversed or not finite, or a weight is outside [0, 1].</exception>
    public DetectionBoxes(ReadOnlySpan<float> corners, ReadOnlySpan<int> classes, ReadOnlySpan<float> weights = default)
    {
        if (corners.Length != 4L * classes.Length)
        {
            throw new ArgumentException($"corners has {corners.Length} values but {classes.Length} classes need exactly {4L * classes.Length} (x0, y0, x1, y1 per box).", nameof(corners));
        }

        if (weights.Length != 0 && weights.Length != classes.Length)
        {
            throw new ArgumentException($"weights has {weights.Length} values but there are {classes.Length} boxes; give one weight per box, or none.", nameof(weights));
        }

        for (int b = 0; b < classes.Length; b++)
        {
            float x0 = corners[4 * b], y0 = corners[(4 * b) + 1], x1 = corners[(4 * b) + 2], y1 = corners[(4 * b) + 3];
            if (!(float.IsFinite(x0) && float.IsFinite(y0) && float.IsFinite(x1) && float.IsFinite(y1) && x0 < x1 && y0 < y1))
            {
                throw new ArgumentException($"Box {b} is ({x0}, {y0}, {x1}, {y1}); a box needs finite corners with x0 < x1 and y0 < y1.", nameof(corners));
            }
        }

        for (int b = 0; b < weights.Length; b++)
        {
            if (!(weights[b] >= 0f && weights[b] <= 1f))
            {
                throw new ArgumentException($"Weight {b} is {weights[b]}; weights must lie in [0, 1].", nameof(weights));
            }
        }

        _corners = corners.ToArray();
        _classes = classes.ToArray();
        _weights = weights.Length == 0 ? Enumerable.Repeat(1f, classes.Length).ToArray() : weights.ToArray();
    }

    private DetectionBoxes(float[] corners, int[] classes, float[] weights)
    {
        _corners = corners;
        _classes = classes;
        _weights = weights;
    }

    /// <summary>An image without boxes.</summary>
    public static DetectionBoxes Empty { get; } = new([], [], []);

    /// <summary>Number of boxes.</summary>
    public int Count => _classes.Length;

    /// <summary>Corners, four per box: x0, y0, x1, y1.</summary>
    public ReadOnlySpan<float> Corners => _corners;

    /// <summary>The class of each box.</summary>
    public ReadOnlySpan<int> Classes => _classes;

    /// <summary>The weight of each box.</summary>
    public ReadOnlySpan<float> Weights => _weights;

    /// <inheritdoc />
    public override string ToString() => $"{Count} boxes";

    /// <summary>Boxes built by <see cref="BoxMixer"/>, whose lists it owns and has checked.</summary>
    internal static DetectionBoxes Owning(List<float> corners, List<int> classes, List<float> weights) => new([.. corners], [.. classes], [.. weights]);
}
