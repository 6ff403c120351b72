namespace MixAug.Labels;

/// <summary>
/// Compact mixed targets: for each sample its own class, its partner's class and lambda, the weight of its own
/// class. The loss recombines them as <c>λ·ℓ(output, IndexA) + (1 − λ)·ℓ(output, IndexB)</c>, which needs no
/// B × K array (the form of the CutMix, FMix and OpenMixup reference code).
/// </summary>
/// <remarks>Kornia's (B, 3) rows are <c>[IndexA, IndexB, 1 − Lambda]</c>: it reports the partner's weight.</remarks>
/// <threadsafety>Immutable once built; the arrays are copies owned by this instance.</threadsafety>
public sealed class MixedTargets
{
    private readonly int[] _indexA;
    private readonly int[] _indexB;
    private readonly float[] _lambda;

    internal MixedTargets(int[] indexA, int[] indexB, float[] lambda)
    {
        _indexA = indexA;
        _indexB = indexB;
        _lambda = lambda;
    }

    /// <summary>Number of samples.</summary>
    public int Count => _indexA.Length;

    /// <summary>Class of each sample itself.</summary>
    public ReadOnlySpan<int> IndexA => _indexA;

    /// <summary>Class of each sample's partner.</summary>
    public ReadOnlySpan<int> IndexB => _indexB;

    /// <summary>Weight of <see cref="IndexA"/>: the plan's lambda, as float.</summary>
    public ReadOnlySpan<float> Lambda => _lambda;
}
