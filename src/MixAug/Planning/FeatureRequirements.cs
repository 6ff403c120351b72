using MixAug.Saliency;

namespace MixAug.Planning;

/// <summary>How much of a saliency computation a transform needs.</summary>
public enum SaliencyDetail
{
    /// <summary>Only the most salient element of each sample (SaliencyMix's box mode).</summary>
    Peaks,

    /// <summary>The maps themselves, as grids (SaliencyMix's mask mode); peaks come with them.</summary>
    Maps,
}

/// <summary>One saliency computation a transform needs: a source and how much of its output.</summary>
/// <param name="Source">The saliency source.</param>
/// <param name="Detail">Peaks only, or whole maps.</param>
public readonly record struct SaliencyRequirement(ISaliencySource Source, SaliencyDetail Detail);

/// <summary>
/// The batch features a transform needs before it can draw a plan. The backend that holds the batch reads this, computes
/// the features where the batch lives, and passes them in <see cref="MixRequest.Features"/>.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class FeatureRequirements
{
    private readonly SaliencyRequirement[] _saliency;

    private FeatureRequirements(SaliencyRequirement[] saliency, bool classMaps = false)
    {
        _saliency = saliency;
        ClassMaps = classMaps;
    }

    /// <summary>No features: the plan depends on the shape and the generator only.</summary>
    public static FeatureRequirements None { get; } = new([]);

    /// <summary>The batch's class maps (<see cref="Planning.ClassMaps"/>), which the caller must pass in the request.</summary>
    public static FeatureRequirements ForClassMaps { get; } = new([], classMaps: true);

    /// <summary>True when the plan is drawn from the batch's class maps.</summary>
    public bool ClassMaps { get; }

    /// <summary>The saliency computations needed, one per distinct source.</summary>
    public IReadOnlyList<SaliencyRequirement> Saliency => _saliency;

    /// <summary>True when nothing is needed.</summary>
    public bool IsEmpty => _saliency.Length == 0 && !ClassMaps;

    /// <summary>Requirements of one saliency computation.</summary>
    /// <param name="source">The saliency source.</param>
    /// <param name="detail">Peaks only, or whole maps.</param>
    /// <returns>The requirements.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="source"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="detail"/> is undefined.</exception>
    public static FeatureRequirements ForSaliency(ISaliencySource source, SaliencyDetail detail)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!Enum.IsDefined(detail))
        {
            throw new ArgumentOutOfRangeException(nameof(detail), detail, $"Unknown saliency detail {(int)detail}.");
        }

        return new([new SaliencyRequirement(source, detail)]);
    }

    /// <summary>The requirements of both: one computation per source, with the larger detail where both need it.</summary>
    /// <param name="other">Other requirements.</param>
    /// <returns>The union.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="other"/> is null.</exception>
    public FeatureRequirements Union(FeatureRequirements other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.IsEmpty)
        {
            return this;
        }

        if (IsEmpty)
        {
            return other;
        }

        var merged = new List<SaliencyRequirement>(_saliency);
        foreach (SaliencyRequirement need in other._saliency)
        {
            int at = merged.FindIndex(m => m.Source.Equals(need.Source));
            if (at < 0)
            {
                merged.Add(need);
            }
            else if (need.Detail > merged[at].Detail)
            {
                merged[at] = need;
            }
        }

        return new([.. merged], ClassMaps || other.ClassMaps);
    }

    /// <summary>Throws when <paramref name="transform"/> draws from class maps, which <paramref name="caller"/> cannot
    /// supply: only the user has a batch's segmentation.</summary>
    internal static void RefuseClassMaps(IMixTransform transform, string caller, string paramName)
    {
        if (transform.Requirements.ClassMaps)
        {
            throw new ArgumentException(
                $"{transform.Name} draws its regions from the batch's class maps, which {caller} does not have. Draw the plan from a request that carries them, transform.CreatePlan(new MixRequest(shape, random, new BatchFeatures([], new ClassMaps(spatial, labelMaps)))), and apply the plan.",
                paramName);
        }
    }

    /// <inheritdoc />
    public override string ToString() =>
        IsEmpty ? "none" : string.Join(", ", _saliency.Select(s => $"saliency {s.Detail} from {s.Source}").Concat(ClassMaps ? ["class maps"] : []));
}
