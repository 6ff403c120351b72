using MixAug.Internal;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// CutMix with several partners (Kornia's <c>RandomCutMixV2(num_mix)</c>): each sample gets up to
/// <see cref="Partners"/> CutMix boxes, each from its own partner, pasted one after the other. The plan stores a
/// <see cref="TileRegion"/> and, per source, its weight: the exact share of the output it shows after the later boxes
/// covered what they cover.
/// </summary>
/// <remarks>
/// <para>Draws, in this order: one partner permutation per box (<see cref="Partners"/> permutations, as Kornia's
/// argsort of uniforms); then for each sample: the apply coin (only when 0 &lt; <see cref="Probability"/> &lt; 1),
/// then for each box in order: λ ~ Beta(α, α), the box size ⌊H·√(1 − λ)⌋ × ⌊W·√(1 − λ)⌋, its centre row and column
/// (<see cref="BoxSampler.UniformCentredBox"/>), clipped. Every draw is made whether or not it is used, so a sample's
/// draws do not depend on its partners. A box whose partner is the sample itself, or that is clipped to nothing,
/// pastes nothing; a partner drawn twice keeps one source slot.</para>
/// <para>Kornia gives each box the weight of its own drawn area, ignoring the boxes painted over it; MixAug measures
/// the visible shares (<see cref="MixRegion.MeasureShares"/>), so the weights sum to 1 and equal the pixel shares.</para>
/// <para>One draw per sample (Kornia's default). Images, sequences and clips <c>[B, C, T, H, W]</c>: a clip's boxes are
/// drawn over its H×W frame from the same draws as an image's, and each lies on every frame (VideoMix's spatial cut), so
/// a clip plan's tiles and weights are the image plan's of the same seed. With frame counts the boxes lie on the frames
/// every source of the sample holds, m = the shortest of the sample's and its partners' counts
/// (<see cref="TileRegion.WithFrames"/>), and the weights are the visible shares of the sample's T_i·H·W valid
/// elements; counts all equal to T give the plan without counts.</para>
/// <para>With valid lengths (<see cref="MixRequest.ValidLengths"/>, sequences), each box is drawn as above over the
/// positions where the sample and that box's partner are both valid, min(L_own, L_partner), so no box pastes padding
/// from either; the weights are the visible shares of the sample's own valid positions, and the output keeps the
/// sample's length. Lengths all equal to L give the plan drawn without lengths.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class MultiCutMix : IMixTransform
{
    /// <summary>The most partners per sample (each a source slot of the plan).</summary>
    public const int MaxPartners = 16;

    /// <summary>Defines CutMix with several partners.</summary>
    /// <param name="partners">Boxes (and partners) per sample, in [1, <see cref="MaxPartners"/>] (Kornia's <c>num_mix</c>).</param>
    /// <param name="alpha">Beta(α, α) concentration of each box's λ; finite and greater than 0.</param>
    /// <param name="probability">Chance that a sample is mixed; in [0, 1].</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    public MultiCutMix(int partners = 2, double alpha = 1.0, double probability = 1.0)
    {
        if (partners < 1 || partners > MaxPartners)
        {
            throw new ArgumentOutOfRangeException(nameof(partners), partners, $"partners must lie in [1, {MaxPartners}]; it was {partners}.");
        }

        Guard.PositiveFinite(alpha);
        Guard.Probability(probability);
        Partners = partners;
        Alpha = alpha;
        Probability = probability;
    }

    /// <summary>Boxes (and partners) per sample.</summary>
    public int Partners { get; }

    /// <summary>The Beta(α, α) concentration of each box's λ.</summary>
    public double Alpha { get; }

    /// <summary>Chance that a sample is mixed.</summary>
    public double Probability { get; }

    /// <inheritdoc />
    public string Name => "MultiCutMix";

    /// <inheritdoc />
    public FeatureRequirements Requirements => FeatureRequirements.None;

    /// <inheritdoc />
    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        BatchShape shape = request.Shape;
        int[]? lengths = request.HasValidLengths ? request.ValidLengths.ToArray() : null;
        IMixRandom random = request.Random;
        int b = shape.BatchSize, k = Partners;
        var permutations = new int[k][];
        for (int j = 0; j < k; j++)
        {
            permutations[j] = Pairings.Create(PairingStrategy.Permutation, b, random, mutual: false);
        }

        var recipes = new SampleRecipe[b];
        var sources = new List<int>(k + 1);
        var tiles = new List<Tile>(k);
        for (int i = 0; i < b; i++)
        {
            bool mixed = Probability switch
            {
                >= 1 => true,
                <= 0 => false,
                _ => random.NextDouble() < Probability,
            };
            sources.Clear();
            sources.Add(i);
            tiles.Clear();
            for (int j = 0; j < k && mixed; j++)
            {
                // With lengths, each partner's segment is drawn over the positions both hold, as CutMix's is.
                int partner = permutations[j][i];
                SpatialShape extent = lengths is null ? shape.Spatial : TimeAxis.Crop(shape.Spatial, Math.Min(lengths[i], lengths[partner]));
                double lambda = BetaSampler.Sample(random, Alpha, Alpha);
                (int cutH, int cutW) = BoxSampler.CutSize(extent, lambda);
                RegionDraw draw = BoxSampler.UniformCentredBox(extent, cutH, cutW, random, correctLambda: true, lambda);
                if (partner == i || draw.Region is not BoxRegion box)
                {
                    continue;
                }

                int slot = sources.IndexOf(partner);
                if (slot < 0)
                {
                    slot = sources.Count;
                    sources.Add(partner);
                }

                tiles.Add(new Tile(slot, box.Top, box.Left, box.Bottom, box.Right));
            }

            if (tiles.Count == 0)
            {
                recipes[i] = SampleRecipe.Unmixed(i);
                continue;
            }

            // The shares of the sample's own valid positions (all of them without lengths). A clip's boxes lie on the
            // frames every source of the sample holds (on every frame when that is all of them).
            var region = new TileRegion(tiles);
            int commonFrames = lengths is null || shape.SpatialRank != 3 ? 0 : sources.Min(source => lengths[source]);
            if (commonFrames > 0 && commonFrames < shape.Depth)
            {
                region = region.WithFrames(0, commonFrames);
            }

            var shares = new double[sources.Count];
            region.MeasureShares(lengths is null ? shape.Spatial : TimeAxis.Crop(shape.Spatial, lengths[i]), [], shares);
            recipes[i] = new SampleRecipe([.. sources], shares, region);
        }

        var plan = new MixPlan(shape.Spatial, recipes, Name, PairingStrategy.Permutation, LambdaMode.Element);
        return lengths is null ? plan : plan.WithValidLengths(lengths);
    }

    /// <inheritdoc />
    public override string ToString() => $"MultiCutMix(partners {Partners}, alpha {Alpha}, probability {Probability})";
}
