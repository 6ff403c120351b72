using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// The common part of every pairwise mixing method: the apply probability, the lambda mode and the pairing. It draws
/// the partners, groups the samples by <see cref="Mode"/>, flips one apply coin per group and asks the method for one
/// (lambda, region) draw per mixed group. Subclasses only say how one draw is made.
/// </summary>
/// <remarks>
/// Draw order, which is part of the reproducibility contract: the partner permutation first (for
/// <see cref="PairingStrategy.Permutation"/>), then for each group in order of its first sample: the apply coin
/// (only when 0 &lt; <see cref="Probability"/> &lt; 1), then the method's draw. A sample paired with itself is
/// never mixed; in <see cref="LambdaMode.Pair"/> and <see cref="LambdaMode.Element"/> it draws nothing, while in
/// <see cref="LambdaMode.Batch"/> the batch's draw is made even when every sample is paired with itself (a batch of one).
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public abstract class MixTransform : IMixTransform
{
    /// <summary>Validates and stores the common parameters.</summary>
    /// <param name="probability">Chance that a group (batch, pair or sample, by <paramref name="mode"/>) is mixed; in [0, 1].</param>
    /// <param name="mode">How many independent draws a batch gets.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="probability"/> is outside [0, 1] or NaN, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException"><paramref name="pairing"/> is Custom, or Roll with <see cref="LambdaMode.Pair"/>.</exception>
    protected MixTransform(double probability, LambdaMode mode, PairingStrategy pairing)
    {
        Guard.Probability(probability);
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, $"Unknown lambda mode {(int)mode}.");
        }

        if (!Enum.IsDefined(pairing) || pairing == PairingStrategy.Custom)
        {
            throw new ArgumentException($"Pairing {pairing} cannot be drawn by a transform; use Flip, Roll or Permutation.", nameof(pairing));
        }

        if (mode == LambdaMode.Pair && pairing == PairingStrategy.Roll)
        {
            throw new ArgumentException("LambdaMode.Pair needs mutual partners; Roll pairing is not mutual. Use Flip or Permutation.", nameof(pairing));
        }

        Probability = probability;
        Mode = mode;
        Pairing = pairing;
    }

    /// <summary>
    /// Validates and stores the common parameters of a transform that chooses its partners itself from the request
    /// (<see cref="DrawPartners"/>): its <see cref="Pairing"/> is <see cref="PairingStrategy.Custom"/>.
    /// </summary>
    private protected MixTransform(double probability, LambdaMode mode)
        : this(probability, mode, PairingStrategy.Flip)
    {
        Pairing = PairingStrategy.Custom;
    }

    /// <inheritdoc />
    public abstract string Name { get; }

    /// <summary>Chance that a group is mixed: the whole batch in <see cref="LambdaMode.Batch"/>, a pair or a sample otherwise.</summary>
    public double Probability { get; }

    /// <summary>How many independent (lambda, region) draws a batch gets.</summary>
    public LambdaMode Mode { get; }

    /// <summary>How each sample's partner is chosen; <see cref="PairingStrategy.Custom"/> for a transform that chooses partners from the batch's features (<see cref="GuidedMix"/>).</summary>
    public PairingStrategy Pairing { get; }

    /// <inheritdoc />
    public virtual FeatureRequirements Requirements => FeatureRequirements.None;

    /// <inheritdoc />
    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        BatchShape shape = request.Shape;
        try
        {
            ValidateShape(shape);
        }
        catch (ArgumentException e) when (e.ParamName != nameof(request))
        {
            throw Guard.Rename(e, nameof(request)); // the shape came in the request
        }

        request.Features.CheckSatisfies(Requirements, Name, nameof(request));
        if (request.HasValidLengths && !SupportsValidLengths(shape))
        {
            throw new ArgumentException(
                $"{Name} does not support valid lengths yet for a {shape} batch: its regions are not defined over per-sample lengths there. MixUp, CutMix, MultiCutMix, GridMix, FMix, and on sequences SmoothMix and ResizeMix, are; or pad and mix without lengths.",
                nameof(request));
        }

        int[]? lengths = request.HasValidLengths ? request.ValidLengths.ToArray() : null;
        IMixRandom random = request.Random;
        PlanDrawer drawer = CreateDrawer(request);
        int b = shape.BatchSize;
        int[] partners = DrawPartners(request);
        var lambdas = new double[b];
        var regions = new MixRegion[b];
        Array.Fill(lambdas, 1.0);
        Array.Fill(regions, MixRegion.Keep);

        if (Mode == LambdaMode.Batch)
        {
            // One draw for the whole batch: with lengths it must fit the shortest sample.
            BatchShape drawShape = lengths is null ? shape : TimeAxis.Crop(shape, lengths.Min());
            RegionDraw draw = Flip(random) ? drawer.Draw(drawShape, 0, partners[0], random) : RegionDraw.Unmixed;
            for (int i = 0; i < b; i++)
            {
                Assign(i, draw);
            }
        }
        else
        {
            for (int i = 0; i < b; i++)
            {
                int p = partners[i];
                if (Mode == LambdaMode.Pair && p < i)
                {
                    continue; // the pair was drawn when its first sample came up
                }

                // With lengths the pair's draw fits the part where both are valid.
                BatchShape drawShape = lengths is null ? shape : TimeAxis.Crop(shape, Math.Min(lengths[i], lengths[p]));
                RegionDraw draw = p != i && Flip(random) ? drawer.Draw(drawShape, i, p, random) : RegionDraw.Unmixed;
                Assign(i, draw);
                if (Mode == LambdaMode.Pair)
                {
                    Assign(p, draw);
                }
            }
        }

        var plan = new MixPlan(shape.Spatial, partners, lambdas, regions, Name, Pairing, Mode);
        return lengths is null ? plan : plan.WithValidLengths(lengths, LengthRule);

        void Assign(int sample, RegionDraw draw)
        {
            if (partners[sample] != sample)
            {
                if (lengths is not null && draw.Region.Kind != MixRegionKind.Keep)
                {
                    draw = ForValidLength(draw, shape.Spatial, lengths[sample], lengths[partners[sample]]);
                }

                lambdas[sample] = draw.Lambda;
                regions[sample] = draw.Region;
            }
        }
    }

    /// <summary>
    /// The partner of every sample, the plan's first draw: by default from <see cref="Pairing"/> (a permutation drawn
    /// from the request's generator for <see cref="PairingStrategy.Permutation"/>). A transform that pairs by the
    /// batch's features overrides it.
    /// </summary>
    private protected virtual int[] DrawPartners(MixRequest request) =>
        Pairings.Create(Pairing, request.Shape.BatchSize, request.Random, mutual: Mode == LambdaMode.Pair);

    /// <summary>Throws <see cref="ArgumentException"/> when the method cannot handle <paramref name="shape"/>.</summary>
    /// <param name="shape">The batch shape a plan is asked for.</param>
    protected virtual void ValidateShape(BatchShape shape)
    {
    }

    /// <summary>True when the method's draws are defined over per-sample valid lengths (<see cref="MixRequest.ValidLengths"/>)
    /// for batches of <paramref name="shape"/>.</summary>
    private protected virtual bool SupportsValidLengths(BatchShape shape) => false;

    /// <summary>How the plan's blends treat sources of different lengths (<see cref="MixPlan.BlendLengths"/>).</summary>
    private protected virtual BlendLengths LengthRule => BlendLengths.Shorter;

    /// <summary>
    /// The draw as the sample's own, given the plan's <paramref name="extent"/>, the sample's valid length and its
    /// partner's (the draw was made over the part where the group is valid): its lambda over the sample's valid
    /// positions, and a region that reads the partner within the partner's length. The default keeps the draw, right
    /// for blends.
    /// </summary>
    private protected virtual RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength) => draw;

    /// <summary>
    /// Creates the object that makes the draws of one plan. The default calls <see cref="DrawRegion"/> for every group.
    /// A method overrides it when its draws share state within one plan (FMix's noise image shared by the batch) or
    /// read the request's features (SaliencyMix). All random draws happen in <see cref="PlanDrawer.Draw"/>, in group order.
    /// </summary>
    /// <param name="request">The request (already validated against <see cref="Requirements"/>).</param>
    /// <returns>A fresh drawer used for one plan only.</returns>
    private protected virtual PlanDrawer CreateDrawer(MixRequest request) => new DefaultDrawer(this);

    /// <summary>Makes one (lambda, region) draw for a mixed group.</summary>
    /// <param name="shape">The batch shape.</param>
    /// <param name="sample">The group's first sample (sample 0 in batch mode).</param>
    /// <param name="partner">That sample's partner.</param>
    /// <param name="random">The generator to draw from.</param>
    /// <returns>The lambda after correction and its region.</returns>
    protected abstract RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random);

    /// <summary>The draws of one plan: <see cref="Draw"/> once per mixed group, in order.</summary>
    private protected abstract class PlanDrawer
    {
        /// <summary>Makes the draw of one group; every random number of the group is drawn here.</summary>
        public abstract RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random);
    }

    private sealed class DefaultDrawer(MixTransform owner) : PlanDrawer
    {
        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random) =>
            owner.DrawRegion(shape, sample, partner, random);
    }

    /// <summary>
    /// For methods that cut clips over the frames a group holds (<see cref="DrawRegion"/> gives a box or tiling on
    /// frames [0, m) of a draw shape m frames deep): a range over every frame of the batch's <paramref name="extent"/> is
    /// written as a region on every frame, the form a plan without lengths has, so that lengths all equal to T change
    /// nothing.
    /// </summary>
    private protected sealed class ClipFramesDrawer(MixTransform owner, SpatialShape extent) : PlanDrawer
    {
        public override RegionDraw Draw(BatchShape shape, int sample, int partner, IMixRandom random)
        {
            RegionDraw draw = owner.DrawRegion(shape, sample, partner, random);
            bool everyFrame = extent.Rank == 3 && draw.Region switch
            {
                BoxRegion box => box.FirstFrame == 0 && box.EndFrame == extent.Depth,
                TileRegion tiles => tiles.FirstFrame == 0 && tiles.EndFrame == extent.Depth,
                _ => false,
            };
            return !everyFrame ? draw : draw with
            {
                Region = draw.Region is BoxRegion b ? new BoxRegion(b.Top, b.Left, b.Bottom, b.Right) : ((TileRegion)draw.Region).WithoutFrames(),
            };
        }
    }

    private bool Flip(IMixRandom random) => Probability switch
    {
        >= 1 => true,
        <= 0 => false,
        _ => random.NextDouble() < Probability,
    };
}
