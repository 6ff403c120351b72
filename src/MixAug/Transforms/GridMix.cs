using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// GridMix (Baek, Bang and Shim, "GridMix: Strong regularization through local context mapping", Pattern Recognition
/// 2021): inside a random rectangle of the image, a regular grid of holes shows the partner; everything else stays the
/// sample's own. The plan stores the holes as a <see cref="TileRegion"/> of partner tiles, and its lambda is the exact
/// share of own pixels.
/// </summary>
/// <remarks>
/// <para>One draw, in this order (OpenMixup's <c>gridmix</c> with its defaults as ranges): λ ~ Beta(α, α); the number
/// of holes across, n, uniform in [<see cref="MinHoles"/>, <see cref="MaxHoles"/>]; the cut's area share, uniform in
/// [<see cref="MinCutArea"/>, <see cref="MaxCutArea"/>]; the cut's aspect (height / width), uniform in
/// [<see cref="MinCutAspect"/>, <see cref="MaxCutAspect"/>]; then the cut's top and left as uniform shares of the
/// free rows and columns.</para>
/// <para>Geometry: the cut has width ⌊√(⌊H·W·area⌋ / aspect)⌋ and height ⌊width·aspect⌋, each clamped to [2, side]
/// (OpenMixup does not clamp, and a wide aspect overflows the image there); n is reduced to width / 2 when the cut is
/// narrower, so that every patch is at least 2 wide. Patches are ⌈width / n⌉ wide and max(2, ⌊patch width ·
/// <see cref="HoleAspect"/>⌋) high; the hole at each patch's top-left corner has sides ⌊patch side·√(1 − λ)⌋ clamped to
/// [1, patch side − 1] and clipped to the cut. So a hole always shows at least one partner pixel, and never a whole
/// patch.</para>
/// <para>Lambda: the holes form a product of column and row intervals, so the partner's area is (Σ hole widths) ×
/// (Σ hole heights) and λ = 1 − that area / (H·W) exactly, the value <see cref="MixRegion.MeasureShares"/> measures.</para>
/// <para>Sequences <c>[B, C, L]</c> (L ≥ 2) take one row of holes: λ, the number of holes, the cut's share of the
/// length (uniform in [<see cref="MinCutArea"/>, <see cref="MaxCutArea"/>]) and its start are drawn in that order; the
/// cut is ⌊L·share⌋ clamped to [2, L], its patches ⌈cut / n⌉ long (n reduced to cut / 2), and each patch's hole
/// ⌊patch·√(1 − λ)⌋ clamped to [1, patch − 1]. With valid lengths (<see cref="MixRequest.ValidLengths"/>) the row is
/// drawn over the positions the sample and its partner both hold (a pair that holds only one together is not mixed,
/// and draws nothing), and λ is the own share of the sample's valid positions.</para>
/// <para>Clips <c>[B, C, T, H, W]</c> (H, W ≥ 2) take the image's grid, drawn over H×W as for an image, on every frame
/// (as VideoMix's spatial cut), so λ is the image's. With frame counts (valid lengths) the grid lies on the m = min(T_i,
/// T_j) frames both clips hold (the batch's shortest in <see cref="LambdaMode.Batch"/> mode; <see cref="TileRegion.WithFrames"/>),
/// the sample keeps its own frames past m, and λ is the own share of the sample's T_i·H·W valid elements; counts all
/// equal to T give the plan without counts.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class GridMix : MixTransform
{
    /// <summary>The most holes across a cut: more would make patches of a pixel or two and grids of thousands of tiles.</summary>
    public const int MaxHolesLimit = 64;

    /// <summary>Defines a GridMix transform.</summary>
    /// <param name="alpha">Beta(α, α) concentration of the sampled lambda; finite and greater than 0.</param>
    /// <param name="minHoles">Fewest holes across the cut, in [1, <see cref="MaxHolesLimit"/>] (OpenMixup: 2).</param>
    /// <param name="maxHoles">Most holes across the cut, in [<paramref name="minHoles"/>, <see cref="MaxHolesLimit"/>] (OpenMixup: 6).</param>
    /// <param name="minCutArea">Smallest share of the image the cut covers, in (0, 1] (OpenMixup: 0.5).</param>
    /// <param name="maxCutArea">Largest share, in [<paramref name="minCutArea"/>, 1] (OpenMixup: 1).</param>
    /// <param name="minCutAspect">Smallest cut height / width, in [0.25, 4] (OpenMixup: 0.5).</param>
    /// <param name="maxCutAspect">Largest cut height / width, in [<paramref name="minCutAspect"/>, 4] (OpenMixup: 2).</param>
    /// <param name="holeAspect">Patch height / patch width, in [0.25, 4] (OpenMixup: 1).</param>
    /// <param name="probability">Chance that a group is mixed; in [0, 1].</param>
    /// <param name="mode">Lambda mode: one grid per batch, pair or sample.</param>
    /// <param name="pairing">How partners are chosen.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range, or an enum value is undefined.</exception>
    /// <exception cref="ArgumentException">A minimum is greater than its maximum, or an invalid mode and pairing combination.</exception>
    public GridMix(
        double alpha = 1.0,
        int minHoles = 2,
        int maxHoles = 6,
        double minCutArea = 0.5,
        double maxCutArea = 1.0,
        double minCutAspect = 0.5,
        double maxCutAspect = 2.0,
        double holeAspect = 1.0,
        double probability = 1.0,
        LambdaMode mode = LambdaMode.Batch,
        PairingStrategy pairing = PairingStrategy.Flip)
        : base(probability, mode, pairing)
    {
        Guard.PositiveFinite(alpha);
        CheckRange(minHoles, 1, MaxHolesLimit, nameof(minHoles));
        CheckRange(maxHoles, 1, MaxHolesLimit, nameof(maxHoles));
        CheckOrder(minHoles, maxHoles, nameof(minHoles), nameof(maxHoles));
        if (!(minCutArea > 0 && minCutArea <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minCutArea), minCutArea, $"minCutArea must lie in (0, 1]; it was {minCutArea}.");
        }

        if (!(maxCutArea > 0 && maxCutArea <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxCutArea), maxCutArea, $"maxCutArea must lie in (0, 1]; it was {maxCutArea}.");
        }

        CheckOrder(minCutArea, maxCutArea, nameof(minCutArea), nameof(maxCutArea));
        CheckAspect(minCutAspect, nameof(minCutAspect));
        CheckAspect(maxCutAspect, nameof(maxCutAspect));
        CheckOrder(minCutAspect, maxCutAspect, nameof(minCutAspect), nameof(maxCutAspect));
        CheckAspect(holeAspect, nameof(holeAspect));
        Alpha = alpha;
        MinHoles = minHoles;
        MaxHoles = maxHoles;
        MinCutArea = minCutArea;
        MaxCutArea = maxCutArea;
        MinCutAspect = minCutAspect;
        MaxCutAspect = maxCutAspect;
        HoleAspect = holeAspect;
    }

    /// <summary>The Beta(α, α) concentration of the sampled lambda.</summary>
    public double Alpha { get; }

    /// <summary>Fewest holes across the cut.</summary>
    public int MinHoles { get; }

    /// <summary>Most holes across the cut.</summary>
    public int MaxHoles { get; }

    /// <summary>Smallest share of the image the cut covers.</summary>
    public double MinCutArea { get; }

    /// <summary>Largest share of the image the cut covers.</summary>
    public double MaxCutArea { get; }

    /// <summary>Smallest cut height / width.</summary>
    public double MinCutAspect { get; }

    /// <summary>Largest cut height / width.</summary>
    public double MaxCutAspect { get; }

    /// <summary>Patch height / patch width.</summary>
    public double HoleAspect { get; }

    /// <inheritdoc />
    public override string Name => "GridMix";

    /// <inheritdoc />
    public override string ToString() =>
        $"GridMix(alpha {Alpha}, holes [{MinHoles}, {MaxHoles}], cut area [{MinCutArea}, {MaxCutArea}], cut aspect [{MinCutAspect}, {MaxCutAspect}], hole aspect {HoleAspect}, probability {Probability}, {Mode}, {Pairing})";

    /// <inheritdoc />
    protected override void ValidateShape(BatchShape shape)
    {
        bool frames = shape.SpatialRank >= 2 && shape.Height >= 2 && shape.Width >= 2;
        bool sequence = shape.SpatialRank == 1 && shape.Width >= 2;
        if (!frames && !sequence)
        {
            throw new ArgumentException($"GridMix draws a grid over an image (or every frame of a clip) of at least 2x2 or a row of holes along a sequence of at least 2; the batch {shape} is neither.", nameof(shape));
        }
    }

    /// <summary>Sequences and clips take valid lengths: a sequence's row of holes is drawn where the sample and its
    /// partner are both valid, a clip's grid lies on the frames both hold.</summary>
    private protected override bool SupportsValidLengths(BatchShape shape) => true;

    /// <summary>A clip's grid over every frame of the batch is written as a grid on every frame, the form a plan
    /// without lengths has.</summary>
    private protected override PlanDrawer CreateDrawer(MixRequest request) => new ClipFramesDrawer(this, request.Shape.Spatial);

    /// <summary>With lengths, lambda is the own share of the sample's valid positions: 1 − holes / length.</summary>
    private protected override RegionDraw ForValidLength(RegionDraw draw, SpatialShape extent, int length, int partnerLength)
    {
        Span<double> shares = stackalloc double[2];
        draw.Region.MeasureShares(TimeAxis.Crop(extent, length), [], shares);
        return new RegionDraw(shares[0], draw.Region);
    }

    /// <inheritdoc />
    protected override RegionDraw DrawRegion(BatchShape shape, int sample, int partner, IMixRandom random)
    {
        if (shape.SpatialRank == 1)
        {
            return DrawRow(shape.Width, random);
        }

        int h = shape.Height, w = shape.Width;
        double lambda = BetaSampler.Sample(random, Alpha, Alpha);
        int holes = MinHoles + random.NextInt(MaxHoles - MinHoles + 1);
        double area = MinCutArea + ((MaxCutArea - MinCutArea) * random.NextDouble());
        double aspect = MinCutAspect + ((MaxCutAspect - MinCutAspect) * random.NextDouble());
        long cutArea = (long)((double)h * w * area);
        int cutW = (int)Math.Clamp(Math.Floor(Math.Sqrt(cutArea / aspect)), 2, w);
        int cutH = (int)Math.Clamp(Math.Floor(cutW * aspect), 2, h);
        int top = (int)((h - cutH) * random.NextDouble());
        int left = (int)((w - cutW) * random.NextDouble());

        holes = Math.Min(holes, cutW / 2);
        int patchW = (cutW + holes - 1) / holes;
        int patchH = Math.Max(2, (int)(patchW * HoleAspect));
        double ratio = Math.Sqrt(1 - lambda);
        int holeW = Math.Clamp((int)(patchW * ratio), 1, patchW - 1);
        int holeH = Math.Clamp((int)(patchH * ratio), 1, patchH - 1);

        // The holes of a column interval and a row interval, kept as the grid's recipe (a plan of 128 grids stays small).
        var grid = new HoleGrid(top, left, cutH, cutW, patchH, patchW, holeH, holeW);
        long sumW = Covered(cutW, patchW, holeW), sumH = Covered(cutH, patchH, holeH);

        // Disjoint holes on a product of column and row intervals: the partner's area is the product of their sums,
        // and the share is computed as MeasureShares computes it, (plane − covered) / plane.
        long plane = (long)h * w;
        // On a clip the grid lies on the frames of the draw, those the group holds (all of them without lengths).
        TileRegion tiles = TileRegion.Grid(grid);
        return new RegionDraw((double)(plane - (sumW * sumH)) / plane, shape.SpatialRank == 3 ? tiles.WithFrames(0, shape.Depth) : tiles);
    }

    /// <summary>
    /// A row of holes along a sequence of length <paramref name="length"/> (the image's rule with one row): λ, the
    /// number of holes, the cut's share of the length and its start, drawn in that order (no aspect: a row has none).
    /// </summary>
    private RegionDraw DrawRow(int length, IMixRandom random)
    {
        if (length < 2)
        {
            return RegionDraw.Unmixed; // a pair valid together at one position has no room for a hole beside its own
        }

        double lambda = BetaSampler.Sample(random, Alpha, Alpha);
        int holes = MinHoles + random.NextInt(MaxHoles - MinHoles + 1);
        double area = MinCutArea + ((MaxCutArea - MinCutArea) * random.NextDouble());
        int cut = (int)Math.Clamp(Math.Floor(length * area), 2, length);
        int left = (int)((length - cut) * random.NextDouble());
        holes = Math.Min(holes, cut / 2);
        int patch = (cut + holes - 1) / holes;
        int hole = Math.Clamp((int)(patch * Math.Sqrt(1 - lambda)), 1, patch - 1);
        long covered = Covered(cut, patch, hole);
        return new RegionDraw((double)(length - covered) / length, TileRegion.Grid(new HoleGrid(0, left, 1, cut, 1, patch, 1, hole)));
    }

    /// <summary>The positions along one side of the cut that its holes cover: a hole at the start of each patch, clipped to the cut.</summary>
    private static long Covered(int cut, int patch, int hole)
    {
        long covered = 0;
        for (int start = 0; start < cut; start += patch)
        {
            covered += Math.Min(start + hole, cut) - start;
        }

        return covered;
    }

    private static void CheckRange(int value, int min, int max, string name)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [{min}, {max}]; it was {value}.");
        }
    }

    private static void CheckAspect(double value, string name)
    {
        if (!(value >= 0.25 && value <= 4))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0.25, 4]; it was {value}.");
        }
    }

    private static void CheckOrder(double min, double max, string minName, string maxName)
    {
        if (min > max)
        {
            throw new ArgumentException($"{minName} {min} is greater than {maxName} {max}.", minName);
        }
    }
}
