using MixAug.Internal;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Transforms;

/// <summary>
/// Mosaic (Bochkovskiy, Wang and Liao, "YOLOv4: Optimal Speed and Accuracy of Object Detection", arXiv:2004.10934, and
/// YOLOv5's <c>load_mosaic</c>) as a mixed-sample augmentation: each sample and three partners are laid out 2×2 around a
/// random centre, each resized and cropped into its quadrant, in the batch's own height × width. The plan stores a
/// <see cref="MosaicRegion"/> per sample and, per source, its exact share of the output's pixels.
/// </summary>
/// <remarks>
/// <para><b>Draws</b>, in this order: the partners (<see cref="PairingStrategy.Permutation"/>: three random
/// derangements, one per partner, as Kornia's and YOLOv5's random choices; <see cref="PairingStrategy.Roll"/>: partner
/// j of sample i is sample i − j, no draw); then for each sample: the apply coin (only when 0 &lt;
/// <see cref="Probability"/> &lt; 1), then the centre row ⌊H·u⌋ and column ⌊W·v⌋ with u, v uniform in
/// [<see cref="MinCentre"/>, <see cref="MaxCentre"/>) (YOLOv5's centre range on its 2s canvas is [0.25, 0.75), the
/// default), each clamped to [1, side − 1] so no quadrant is empty.</para>
/// <para><b>Layout</b>: the sample itself is the top-left quadrant, its partners top-right, bottom-left and bottom-right
/// (YOLOv5 shuffles the four images; here the centre is what moves). Every source is resized to the same tile, the
/// smallest that fills the largest quadrant with the image's aspect ratio (half the image when the centre is in the
/// middle: the four whole images), or, with <c>shrinkTiles: false</c>, kept at its own size (Kornia's
/// <c>RandomMosaic</c> and YOLOv5 before its affine step: crops of unscaled images). Resampling is ResizeMix's.</para>
/// <para><b>Fewer than four distinct sources.</b> A partner that is another source of the sample shares that source's
/// slot (its quadrants add up); a partner that is the sample itself shows the sample. A sample whose three partners
/// are all itself (a batch of one) is kept unmixed, as every method keeps a sample paired with itself.</para>
/// <para>Images only (a batch of height and width at least 2); float32 batches on the CPU, any floating-point tensor with
/// TorchSharp.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share between threads.</threadsafety>
public sealed class Mosaic : IMixTransform
{
    /// <summary>Defines a Mosaic transform.</summary>
    /// <param name="minCentre">Lowest centre position as a share of each side, in (0, 1) (YOLOv5: 0.25).</param>
    /// <param name="maxCentre">Highest centre position as a share of each side, in [<paramref name="minCentre"/>, 1) (YOLOv5: 0.75).</param>
    /// <param name="probability">Chance that a sample is mixed; in [0, 1].</param>
    /// <param name="pairing">How the three partners are chosen: <see cref="PairingStrategy.Permutation"/> or <see cref="PairingStrategy.Roll"/>.</param>
    /// <param name="shrinkTiles">True to resize every source to the smallest tile that fills its quadrant; false to
    /// crop sources at their own size.</param>
    /// <exception cref="ArgumentOutOfRangeException">A number is outside its range.</exception>
    /// <exception cref="ArgumentException"><paramref name="minCentre"/> is greater than <paramref name="maxCentre"/>, or
    /// <paramref name="pairing"/> is neither Permutation nor Roll.</exception>
    public Mosaic(double minCentre = 0.25, double maxCentre = 0.75, double probability = 1.0, PairingStrategy pairing = PairingStrategy.Permutation, bool shrinkTiles = true)
    {
        if (!(minCentre > 0 && minCentre < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minCentre), minCentre, $"minCentre must lie in (0, 1); it was {minCentre}.");
        }

        if (!(maxCentre > 0 && maxCentre < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxCentre), maxCentre, $"maxCentre must lie in (0, 1); it was {maxCentre}.");
        }

        if (minCentre > maxCentre)
        {
            throw new ArgumentException($"minCentre {minCentre} is greater than maxCentre {maxCentre}.", nameof(minCentre));
        }

        Guard.Probability(probability);
        if (pairing is not (PairingStrategy.Permutation or PairingStrategy.Roll))
        {
            throw new ArgumentException($"Mosaic draws three partners per sample by Permutation or Roll; {pairing} gives one partner.", nameof(pairing));
        }

        MinCentre = minCentre;
        MaxCentre = maxCentre;
        Probability = probability;
        Pairing = pairing;
        ShrinkTiles = shrinkTiles;
    }

    /// <summary>The number of partners of each sample (three: four quadrants).</summary>
    public const int Partners = MosaicRegion.Quadrants - 1;

    /// <summary>Lowest centre position as a share of each side.</summary>
    public double MinCentre { get; }

    /// <summary>Highest centre position as a share of each side.</summary>
    public double MaxCentre { get; }

    /// <summary>Chance that a sample is mixed.</summary>
    public double Probability { get; }

    /// <summary>How the partners are chosen.</summary>
    public PairingStrategy Pairing { get; }

    /// <summary>True when sources are resized to the smallest tile that fills the largest quadrant; false when they are
    /// cropped at their own size.</summary>
    public bool ShrinkTiles { get; }

    /// <inheritdoc />
    public string Name => "Mosaic";

    /// <inheritdoc />
    public FeatureRequirements Requirements => FeatureRequirements.None;

    /// <inheritdoc />
    public MixPlan CreatePlan(MixRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        BatchShape shape = request.Shape;
        if (shape.SpatialRank != 2 || shape.Height < 2 || shape.Width < 2)
        {
            throw new ArgumentException($"Mosaic lays out four images around a centre; the batch {shape} is not an image of at least 2x2.", nameof(request));
        }

        IMixRandom random = request.Random;
        int b = shape.BatchSize, h = shape.Height, w = shape.Width;
        var partners = new int[Partners][];
        for (int j = 0; j < Partners; j++)
        {
            partners[j] = Pairing == PairingStrategy.Permutation
                ? Pairings.Create(PairingStrategy.Permutation, b, random, mutual: false)
                : [.. Enumerable.Range(0, b).Select(i => (((i - j - 1) % b) + b) % b)];
        }

        var recipes = new SampleRecipe[b];
        Span<int> sources = stackalloc int[MosaicRegion.Quadrants];
        Span<double> shares = stackalloc double[MosaicRegion.Quadrants];
        var slots = new int[MosaicRegion.Quadrants];
        for (int i = 0; i < b; i++)
        {
            bool mixed = Probability switch
            {
                >= 1 => true,
                <= 0 => false,
                _ => random.NextDouble() < Probability,
            };
            if (!mixed)
            {
                recipes[i] = SampleRecipe.Unmixed(i);
                continue;
            }

            int cy = Centre(h, random), cx = Centre(w, random);
            int count = 1;
            sources[0] = i;
            slots[0] = 0;
            for (int j = 0; j < Partners; j++)
            {
                int slot = sources[..count].IndexOf(partners[j][i]);
                if (slot < 0)
                {
                    slot = count;
                    sources[count++] = partners[j][i];
                }

                slots[j + 1] = slot;
            }

            if (count == 1)
            {
                recipes[i] = SampleRecipe.Unmixed(i); // every partner is the sample itself
                continue;
            }

            (int tileHeight, int tileWidth) = ShrinkTiles ? SmallestTile(h, w, cy, cx) : (h, w);
            var region = new MosaicRegion(shape.Spatial, cy, cx, tileHeight, tileWidth, slots);
            region.MeasureShares(shape.Spatial, [], shares[..count]);
            recipes[i] = new SampleRecipe(sources[..count].ToArray(), shares[..count].ToArray(), region);
        }

        return new MixPlan(shape.Spatial, recipes, Name, Pairing, LambdaMode.Element);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"Mosaic(centre [{MinCentre}, {MaxCentre}), probability {Probability}, {Pairing}{(ShrinkTiles ? string.Empty : ", unscaled tiles")})";

    /// <summary>
    /// The smallest tile that fills the largest quadrant and keeps the image's aspect ratio (up to rounding up one side):
    /// the side whose quadrant needs the larger share of the image sets the scale.
    /// </summary>
    internal static (int Height, int Width) SmallestTile(int h, int w, int cy, int cx)
    {
        long qy = Math.Max(cy, h - cy), qx = Math.Max(cx, w - cx);
        return qy * w >= qx * h
            ? ((int)qy, (int)(((qy * w) + h - 1) / h))
            : ((int)(((qx * h) + w - 1) / w), (int)qx);
    }

    private int Centre(int side, IMixRandom random)
    {
        double u = MinCentre + ((MaxCentre - MinCentre) * random.NextDouble());
        return Math.Clamp((int)(side * u), 1, side - 1);
    }
}
