using MixAug.Planning;
using MixAug.Randomness;

namespace MixAug.Transforms;

/// <summary>
/// Picks one of several transforms per batch, with weights, and lets it draw the plan (timm's <c>switch_prob</c>:
/// <c>new MixChoice((new MixUp(0.8), 0.5), (new CutMix(1.0), 0.5))</c>). Stacking two mixes on one batch is not
/// offered: the labels of a mix of mixes would need four terms.
/// </summary>
/// <remarks>One uniform draw picks the transform (always drawn, even for a single choice), then the chosen
/// transform draws its plan from the same generator. <see cref="Requirements"/> is the union of the choices', so a
/// backend computes every feature any choice may need.</remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class MixChoice : IMixTransform
{
    private readonly IMixTransform[] _transforms;
    private readonly double[] _cumulative;

    /// <summary>Defines a weighted choice.</summary>
    /// <param name="choices">Transforms with their relative weights (finite, ≥ 0, not all 0, with a finite sum).</param>
    /// <exception cref="ArgumentNullException"><paramref name="choices"/> or a transform is null.</exception>
    /// <exception cref="ArgumentException">The list is empty, a weight is negative, infinite or NaN, all weights are 0,
    /// or their sum overflows.</exception>
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
        FeatureRequirements requirements = FeatureRequirements.None;
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
            requirements = requirements.Union(transform.Requirements);
        }

        if (double.IsInfinity(total))
        {
            throw new ArgumentException($"The {choices.Length} weights sum past {double.MaxValue}; scale them down (only their ratios matter).", nameof(choices));
        }

        if (total <= 0)
        {
            throw new ArgumentException($"All {choices.Length} weights are 0; at least one must be positive.", nameof(choices));
        }

        for (int i = 0; i < _cumulative.Length; i++)
        {
            _cumulative[i] /= total;
        }

        Requirements = requirements;
    }

    /// <summary>The transforms to choose from.</summary>
    public IReadOnlyList<IMixTransform> Transforms => _transforms;

    /// <summary>The probability of choosing each transform (the weights normalised to sum 1).</summary>
    public IReadOnlyList<double> Probabilities => _cumulative.Select((c, i) => i == 0 ? c : c - _cumulative[i - 1]).ToArray();

    /// <inheritdoc />
    public string Name => "MixChoice";

    /// <inheritdoc />
    public FeatureRequirements Requirements { get; }

    /// <inheritdoc />
    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        double u = request.Random.NextDouble();
        int chosen = 0;
        while (chosen < _cumulative.Length - 1 && u >= _cumulative[chosen])
        {
            chosen++;
        }

        return _transforms[chosen].CreatePlan(request);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MixChoice({string.Join(", ", _transforms.Select((t, i) => $"{t} p={Probabilities[i]}"))})";
}
