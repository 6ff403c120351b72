namespace MixAug.Regions;

/// <summary>
/// The fall-off of a soft box by distance: <c>g(d) = (float)exp(−d²/(2σ²))</c> for d = 0, 1, …, computed in double and
/// rounded once, as <see cref="SoftBoxRegion"/> defines it. A SmoothMix plan draws 128 boxes with one σ, and every box
/// needs g of every row and column distance (its mean, its raster): the table is computed once and shared, so each
/// box costs products, not exponentials (h + w of them per box before).
/// </summary>
/// <threadsafety>Immutable; the last table made is kept in a static field (a reference written atomically), so
/// threads that share a σ share it and threads with different σ at worst recompute.</threadsafety>
internal sealed class GaussianFalloff
{
    private static GaussianFalloff? s_last;

    private GaussianFalloff(double sigma, int length)
    {
        Sigma = sigma;
        var values = new float[length];
        int ownFrom = length;
        for (int d = 0; d < length; d++)
        {
            double distance = d;
            values[d] = (float)Math.Exp(-(distance * distance) / (2 * sigma * sigma));
            if (ownFrom == length && 1f - values[d] == 1f)
            {
                ownFrom = d;
            }
        }

        Values = values;
        OwnOnlyFrom = ownFrom;
    }

    /// <summary>σ, in elements.</summary>
    public double Sigma { get; }

    /// <summary>g(d) for d in [0, length).</summary>
    public float[] Values { get; }

    /// <summary>
    /// The least distance d where <c>1f − g(d)</c> is exactly 1 (the table's length when there is none): from there on
    /// every own weight <c>1f − gy·gx</c> is 1, since g never grows with d and both factors are at most 1, so
    /// <c>gy·gx ≤ g(d)</c> and the rounded difference cannot fall below the rounded <c>1f − g(d)</c>.
    /// </summary>
    public int OwnOnlyFrom { get; }

    /// <summary>The table for <paramref name="sigma"/> with at least <paramref name="length"/> distances.</summary>
    public static GaussianFalloff For(double sigma, int length)
    {
        GaussianFalloff? last = s_last;
        if (last is not null && last.Sigma == sigma && last.Values.Length >= length)
        {
            return last;
        }

        var made = new GaussianFalloff(sigma, length);
        s_last = made;
        return made;
    }
}
