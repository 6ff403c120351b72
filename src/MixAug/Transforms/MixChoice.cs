using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Transforms;

/// <summary>
/// Picks one of several transforms per batch, with weights, and lets it draw the plan (timm's <c>switch_prob</c>:
/// <c>new MixChoice((new MixUp(0.8), 0.5), (new CutMix(1.0), 0.5))</c>). Stacking two mixes on one batch is not
/// offered: the labels of a mix of mixes would need four terms.
/// </summary>
/// <remarks>One uniform draw picks the transform (always drawn, even for a single choice), then the chosen
/// transform draws its plan from the same generator.</remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class MixChoice : IMixTransform, IBatchBindable
{
    private readonly IMixTransform[] _transforms;
    private readonly double[] _cumulative;

    /// <summary>Defines a weighted choice.</summary>
    /// <param name="choices">Transforms with their relative weights (finite, ≥ 0, not all 0).</param>
    /// <exception cref="ArgumentNullException"><paramref name="choices"/> or a transform is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, a weight is negative, infinite or NaN, or all weights are 0.</exception>
    public MixChoice(params (IMixTransform Transform, double Weight)[] choices)
    {
        ArgumentNullException.ThrowIfNull(choices);
        if (choices.Length == 0)
        {
            throw new ArgumentException("A MixChoice needs at least one transform.", nameof(choices));
        }

        _transforms = new IMixTransform[choices.Length];
        _cumulative = new double[choices.Length];
        double total = 0;
        for (int i = 0; i < choices.Length; i++)
        {
            (IMixTransform transform, double weight) = choices[i];
            _transforms[i] = transform ?? throw new ArgumentNullException(nameof(choices), $"Transform {i} is null.");
            if (!(weight >= 0) || double.IsInfinity(weight))
            {
                throw new ArgumentException($"Choice {i} ({transform.Name}) has weight {weight}; weights must be finite and >= 0.", nameof(choices));
            }

            total += weight;
            _cumulative[i] = total;
        }

        if (total <= 0)
        {
            throw new ArgumentException($"All {choices.Length} weights are 0; at least one must be positive.", nameof(choices));
        }

        for (int i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }
    }

    /// <summary>The transforms to choose from.</summary>
    public IReadOnlyList<IMixTransform> Transforms => _transforms;

    /// <summary>The probability of choosing each transform (the weights normalised to sum 1).</summary>
    public IReadOnlyList<double> Probabilities => _cumulative.Select((c, i) => i == 0 ? c : c - _cumulative[i - 1]).ToArray();

    /// <inheritdoc />
    public string Name => "MixChoice";

    /// <inheritdoc />
    public bool NeedsBatch => _transforms.Any(t => t is IBatchBindable { NeedsBatch: true });

    /// <summary>The same choice, with every transform that needs the batch bound to <paramref name="batch"/>.</summary>
    /// <param name="batch">The planar float32 batch.</param>
    /// <returns>A choice with the same weights and draw order.</returns>
    public IMixTransform Bind(ReadOnlyMemory<float> batch) =>
        new MixChoice(_transforms.Select((t, i) => (t is IBatchBindable { NeedsBatch: true } b ? b.Bind(batch) : t, Probabilities[i])).ToArray());

    /// <inheritdoc />
    public MixPlan CreatePlan(BatchShape shape, IMixRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        double u = random.NextDouble();
        int chosen = 0;
        while (chosen < _cumulative.Length - 1 && u >= _cumulative[chosen])
        {
            chosen++;
        }

        return _transforms[chosen].CreatePlan(shape, random);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MixChoice({string.Join(", ", _transforms.Select((t, i) => $"{t} p={Probabilities[i]}"))})";
}
