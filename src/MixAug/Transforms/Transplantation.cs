using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// Transplantation (Sellner et al., MICCAI 2023; Kornia's <c>RandomTransplantation</c>): each mixed sample receives every
/// pixel of one class of its partner's segmentation: the class is drawn uniformly from the classes the partner's map
/// holds, less <see cref="ExcludedClasses"/>, and the pixels where the partner's map has it replace the sample's own.
/// The class maps come in the request (<see cref="FeatureRequirements.ForClassMaps"/>); mixing the maps with the plan
/// (<c>LabelMapMixer</c>) gives each pasted pixel the partner's class, exactly.
/// </summary>
/// <remarks>
/// <para>λ is the sample's own share of pixels, <c>1 − pasted / pixels</c>, exactly; a partner whose map holds no
/// eligible class leaves the sample unmixed (λ = 1), as in Kornia, which then however pairs the remaining classes with
/// the wrong donors (its selected labels are zipped with all donors after the empty ones were skipped).</para>
/// <para>The region is a <see cref="MaskRegion"/> of one weight per pixel (4 bytes per pixel of each mixed sample in the
/// plan), so a replayed plan does not need the maps. Every draw is per sample: the mask depends on the partner's map,
/// so <see cref="LambdaMode.Element"/> is the only mode. Default pairing: <see cref="PairingStrategy.Roll"/>, Kornia's
/// donor <c>(i − 1) mod B</c>.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share. Plans draw from the request's generator.</threadsafety>
public sealed class Transplantation : MixTransform
{
    private readonly int[] _excluded;

    /// <summary>Creates the transform.</summary>
    /// <param name="excludedClasses">Classes never transplanted (for example the background, or an "unlabelled" index);
    /// null or empty for none.</param>
    /// <param name="probability">Chance that each sample receives a transplant, in [0, 1].</param>
    /// <param name="pairing">How partners (donors) are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1].</exception>
    /// <exception cref="ArgumentException"><paramref name="pairing"/> is <see cref="PairingStrategy.Custom"/> or undefined.</exception>
    public Transplantation(IEnumerable<int>? excludedClasses = null, double probability = 1.0, PairingStrategy pairing = PairingStrategy.Roll)
        : base(probability, LambdaMode.Element, pairing)
    {
        _excluded = excludedClasses is null ? [] : [.. excludedClasses.Distinct().Order()];
    }

    /// <summary>The classes never transplanted, ascending.</summary>
    public IReadOnlyList<int> ExcludedClasses => _excluded;

    /// <inheritdoc />
    public override string Name => "Transplantation";

    /// <inheritdoc />
    public override FeatureRequirements Requirements => FeatureRequirements.ForClassMaps;

    /// <inheritdoc />
    public override string ToString() =>
        $"Transplantation(excluded [{string.Join(", ", _excluded)}], probability {Probability}, {Pairing})";

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random) =>
        throw new InvalidOperationException("Transplantation draws from the request's class maps; its drawer is made per request.");

    private protected override PlanDrawer CreateDrawer(MixRequest request) => new ClassDrawer(this, request.Features.ClassMaps!);

    /// <summary>The draw of one sample: a class of the partner's map, and the mask of its pixels.</summary>
    private RegionDraw Draw(ReadOnlySpan<int> donor, IMixRandom random)
    {
        // The eligible classes in ascending order, so that the draw depends on the map's content, not its layout.
        int[] classes = [.. new SortedSet<int>(donor.ToArray()).Where(c => Array.BinarySearch(_excluded, c) < 0)];
        if (classes.Length == 0)
        {
            return RegionDraw.Unmixed;
        }

        int chosen = classes[random.NextInt(classes.Length)];
        var weights = new float[donor.Length];
        int pasted = 0;
        for (int i = 0; i < donor.Length; i++)
        {
            bool take = donor[i] == chosen;
            weights[i] = take ? 0f : 1f;
            pasted += take ? 1 : 0;
        }

        return new RegionDraw((double)(donor.Length - pasted) / donor.Length, new MaskRegion(weights));
    }

    private sealed class ClassDrawer(Transplantation owner, ClassMaps maps) : PlanDrawer
    {
        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random) => owner.Draw(maps.Of(partner), random);
    }
}
