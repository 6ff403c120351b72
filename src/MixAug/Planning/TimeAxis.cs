using MixAug.Regions;

namespace MixAug.Planning;

/// <summary>
/// Per-sample valid lengths along time: the length L of a sequence batch <c>[B, C, L]</c> (its width) and the frame
/// count T of a clip batch <c>[B, C, T, H, W]</c> (its depth). Positions at or after a sample's length are padding.
/// </summary>
internal static class TimeAxis
{
    /// <summary>The time extent of <paramref name="spatial"/>, or 0 for an image plane, which has no time axis.</summary>
    public static int Extent(SpatialShape spatial) => spatial.Rank switch
    {
        1 => spatial.Width,
        3 => spatial.Depth,
        _ => 0,
    };

    /// <summary>The first <paramref name="length"/> positions of <paramref name="spatial"/> along time.</summary>
    public static SpatialShape Crop(SpatialShape spatial, int length) => spatial.Rank == 1
        ? SpatialShape.Sequence(length)
        : SpatialShape.Volume(length, spatial.Height, spatial.Width);

    /// <summary>The batch shape whose time extent is <paramref name="length"/>.</summary>
    public static BatchShape Crop(BatchShape shape, int length) =>
        new(shape.BatchSize, shape.Channels, Crop(shape.Spatial, length));

    /// <summary>Checks one length per sample, each in [1, time extent], and returns a copy.</summary>
    /// <exception cref="ArgumentException">The extent has no time axis, or the count differs (naming <paramref name="name"/>).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, time extent] (naming <paramref name="name"/>).</exception>
    public static int[] Check(SpatialShape spatial, int batchSize, ReadOnlySpan<int> lengths, string name)
    {
        int extent = Extent(spatial);
        if (extent == 0)
        {
            throw new ArgumentException(
                $"Valid lengths run along time: the length of a sequence [B, C, L] or the frames of a clip [B, C, T, H, W]; a {spatial} image plane has no time axis.",
                name);
        }

        if (lengths.Length != batchSize)
        {
            throw new ArgumentException($"There are {lengths.Length} valid lengths for a batch of {batchSize}; give one per sample.", name);
        }

        for (int i = 0; i < lengths.Length; i++)
        {
            if (lengths[i] < 1 || lengths[i] > extent)
            {
                throw new ArgumentOutOfRangeException(
                    name,
                    lengths[i],
                    $"Sample {i} has valid length {lengths[i]}; valid lengths must lie in [1, {extent}] for a time extent of {extent}.");
            }
        }

        return lengths.ToArray();
    }

    /// <summary>
    /// The valid length of sample <paramref name="sample"/>'s output, after checking that its region takes nothing from
    /// a source's padding: a blend is valid where every source is (the shortest, as espnet2's <c>MixupAugment</c>); a
    /// keep, a box, a Fourier mask or a soft segment is valid where the sample itself is, and a box, a Fourier mask's
    /// noise or a soft segment's reach must lie inside every source's valid part; a resized partner on a sequence is valid where the sample is, its segment must
    /// end within the sample's length and it must read the partner within the partner's length (on a clip, as a box). A
    /// zero-padded blend (<see cref="BlendLengths.ZeroPadded"/>, two sources only) is valid where any source is.
    /// </summary>
    /// <exception cref="ArgumentException">The region would take padding, or is of a kind not yet defined with lengths (naming <paramref name="name"/>).</exception>
    public static int OutputLength(MixRegion region, SpatialShape spatial, ReadOnlySpan<int> sources, int[] lengths, int sample, BlendLengths blendLengths, string name)
    {
        int own = lengths[sources[0]];
        int shortest = own, longest = own;
        foreach (int source in sources)
        {
            shortest = Math.Min(shortest, lengths[source]);
            longest = Math.Max(longest, lengths[source]);
        }

        int reach = region.Accept(new TimeReach(spatial, own));
        if (reach < 0)
        {
            throw new ArgumentException(
                $"Sample {sample} has a {region.Kind} region; with valid lengths a plan takes keep, blend, box, tile, soft-box, Fourier mask and resize regions only (explicit and saliency masks and mosaics are not defined over valid lengths yet).",
                name);
        }

        if (region.Kind == MixRegionKind.Blend && blendLengths == BlendLengths.ZeroPadded)
        {
            return sources.Length == 2
                ? longest
                : throw new ArgumentException($"Sample {sample} blends {sources.Length} sources; zero-padded blends take two sources only.", name);
        }

        if (region.Kind == MixRegionKind.Blend)
        {
            return shortest;
        }

        if (region is ResizeRegion resize && spatial.Rank == 1)
        {
            // The segment replaces the sample's own valid positions; the partner is read over its first `reach` only.
            int partner = lengths[sources[1]];
            return resize.Right <= own && reach <= partner
                ? own
                : throw new ArgumentException(
                    $"Sample {sample} (valid length {own}) has region '{resize}' from sample {sources[1]} (valid length {partner}): a resized segment must end within the sample's length and read the partner within its own ({resize.Right} <= {own}, {reach} <= {partner}).",
                    name);
        }

        if (region is TileRegion tiles && spatial.Rank == 1)
        {
            // Each tile is read from its own source (MultiCutMix's partners differ in length): it must lie within the
            // sample's length and that source's.
            foreach (Tile tile in tiles.Tiles)
            {
                int source = sources[tile.Slot], limit = Math.Min(own, lengths[source]);
                if (tile.Right > limit)
                {
                    throw new ArgumentException(
                        $"Sample {sample} (valid length {own}) has tile '{tile}' from sample {source} (valid length {lengths[source]}): a tile must end within the valid length of the sample and of its source ({tile.Right} <= {limit}).",
                        name);
                }
            }

            return own;
        }

        if (reach > shortest)
        {
            throw new ArgumentException(
                $"Sample {sample} (valid length {own}, sources [{string.Join(", ", sources.ToArray())}] of lengths [{string.Join(", ", sources.ToArray().Select(s => lengths[s]))}]) has region '{region}', which takes positions up to {reach} along time; a region must lie within the valid length of every source ({shortest}).",
                name);
        }

        return own;
    }

    /// <summary>
    /// How far along time a region takes from its other sources (exclusive end): a sequence box its right edge, a box or
    /// tiling on every frame of a clip the sample's own length (it takes from every valid frame), a box or tiling with a
    /// frame range its end frame, a sequence's tiles their rightmost edge (checked tile by tile by the caller), a Fourier mask the time extent of its noise (past it the sample keeps its own), a resized partner on a
    /// sequence the partner's width it resizes (on a clip, as a box), a soft segment its reach (the whole sequence without one: its tails
    /// reach every position), a keep nothing. −1 for the kinds
    /// not yet defined with lengths; a blend's rule is the shortest source, handled by the caller.
    /// </summary>
    private sealed class TimeReach(SpatialShape spatial, int ownLength) : IMixRegionVisitor<int>
    {
        public int VisitKeep(KeepRegion region) => 0;

        public int VisitBlend(BlendRegion region) => 0;

        public int VisitBox(BoxRegion region) => spatial.Rank == 1 ? region.Right : region.EndFrame ?? ownLength;

        public int VisitMask(MaskRegion region) => -1;

        public int VisitFourierMask(FourierMaskRegion region) => Extent(region.Noise.Spatial);

        public int VisitSaliencyMask(SaliencyMaskRegion region) => -1;

        public int VisitTiles(TileRegion region) => spatial.Rank == 1 ? region.Tiles.Max(t => t.Right) : region.EndFrame ?? ownLength;

        public int VisitSoftBox(SoftBoxRegion region) => spatial.Rank == 1 ? region.Reach ?? spatial.Width : region.EndFrame ?? ownLength;

        public int VisitResize(ResizeRegion region) => spatial.Rank == 1 ? region.PartnerWidth : region.EndFrame ?? ownLength;

        public int VisitMosaic(MosaicRegion region) => -1;
    }
}
