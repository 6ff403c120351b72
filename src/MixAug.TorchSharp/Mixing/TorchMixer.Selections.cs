using MixAug.Regions;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Mixing;

/// <content>The libtorch path's selections and copies: boxes, masks, tiles, resized partners and mosaics.</content>
public static partial class TorchMixer
{
    /// <summary>
    /// Boxes: a boolean mask <c>[n, 1…, H, W]</c> built on the device from the boxes' four coordinates (four small
    /// uploads; a clip's box also its frame range, <c>[n, T, H, W]</c>), then one selection between the samples and their
    /// partners. It only selects, so it is exact for every dtype.
    /// </summary>
    private static void Boxes(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        Device device = x.device;
        SpatialShape spatial = plan.Spatial;
        BoxRegion[] boxes = [.. samples.Select(i => (BoxRegion)plan.Regions[i])];
        long[] column = [samples.Count, 1];
        Tensor top = DeviceData.Upload([.. boxes.Select(b => (long)b.Top)], column, device);
        Tensor bottom = DeviceData.Upload([.. boxes.Select(b => (long)b.Bottom)], column, device);
        Tensor left = DeviceData.Upload([.. boxes.Select(b => (long)b.Left)], column, device);
        Tensor right = DeviceData.Upload([.. boxes.Select(b => (long)b.Right)], column, device);
        Tensor rows = DeviceData.Range(spatial.Height, device).unsqueeze(0);
        Tensor columns = DeviceData.Range(spatial.Width, device).unsqueeze(0);
        Tensor inRows = rows.ge(top).logical_and_(rows.lt(bottom)); // [n, H]
        Tensor inColumns = columns.ge(left).logical_and_(columns.lt(right)); // [n, W]
        Tensor inside = inRows.unsqueeze(2).logical_and(inColumns.unsqueeze(1)); // [n, H, W]
        if (spatial.Rank == 1)
        {
            inside = inside.squeeze(1); // [n, L]: a sequence's rows are its single row
        }

        if (spatial.Rank == 3)
        {
            // Every frame unless the box has a frame range: [n, T] frames, then [n, T, H, W].
            Tensor first = DeviceData.Upload([.. boxes.Select(b => (long)b.FirstFrame)], column, device);
            Tensor end = DeviceData.Upload([.. boxes.Select(b => (long)(b.EndFrame ?? spatial.Depth))], column, device);
            Tensor frames = DeviceData.Range(spatial.Depth, device).unsqueeze(0);
            Tensor inFrames = frames.ge(first).logical_and_(frames.lt(end));
            inside = inFrames.unsqueeze(2).unsqueeze(3).logical_and(inside.unsqueeze(1));
        }

        // Inside the box the partner shows: the sample keeps its own elements where the mask is false.
        SelectWhere(plan, x, result, samples, Broadcastable(inside.logical_not(), (int)x.dim(), spatial.Rank));
    }

    /// <summary>
    /// Masks: own weights built on the device from the recipes (<see cref="DeviceMasks"/>); binary masks select, soft masks
    /// blend, and a weight of exactly 1 or 0 copies its source's element.
    /// </summary>
    private static void Masks(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        long[] dims = [samples.Count, .. plan.Spatial.ToDimensions().Select(d => (long)d)];
        Tensor m = DeviceMasks.OwnWeights(plan, samples, x.device).view(dims);
        Tensor broadcast = Broadcastable(m, (int)x.dim(), plan.Spatial.Rank);
        if (!TensorChecks.IsFloating(x.dtype) || DeviceMasks.AreBinary(plan, samples))
        {
            // Binary masks select (one where instead of two products and a sum); whether they are is known from the recipes.
            SelectWhere(plan, x, result, samples, broadcast.eq(KeptScalars.Zero).logical_not());
            return;
        }

        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        ScalarType weightType = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor own = broadcast.to(weightType);
        using Scalar one = 1.0.ToScalar();
        Tensor other = own.neg().add_(one, KeptScalars.One); // 1 − m, rounded in the weights' type as CpuMixer's (1f − m)
        Tensor self = Gather(x, index), partner = Gather(x, partners);
        Tensor blended = IsHalf(x.dtype) ? HalfBlend(self, partner.clone(), own, other) : self.mul(own).add_(partner.mul(other), KeptScalars.One);

        // Weights of exactly 1 and 0 copy their source's element, as CpuMixer does.
        result.index_copy_(0, index, where(broadcast.eq(KeptScalars.One), self, where(broadcast.eq(KeptScalars.Zero), partner, blended)));
    }

    /// <summary>result[i] = where(own, x[i], x[partner]) for the samples of <paramref name="samples"/>.</summary>
    private static void SelectWhere(MixPlan plan, Tensor x, Tensor result, List<int> samples, Tensor own)
    {
        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        Tensor selected = where(own, Gather(x, index), Gather(x, partners));
        result.index_copy_(0, index, selected);
    }

    /// <summary>Tiles: each tile's source elements copied into the sample's output, in order; on a clip's frame range
    /// only, when the tiling has one.</summary>
    private static void Tiles(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        ReadOnlySpan<int> sources = plan.Sources(sample);
        int rank = plan.Spatial.Rank;
        var region = (TileRegion)plan.Regions[sample];
        Tensor Frames(Tensor clip) => region.EndFrame is int end ? clip.narrow(-3, region.FirstFrame, end - region.FirstFrame) : clip;
        foreach (Tile tile in region.Tiles)
        {
            Region(Frames(result[sample]), rank, tile).copy_(Region(Frames(x[tile.Slot == 0 ? sample : sources[tile.Slot]]), rank, tile));
        }
    }

    /// <summary>The view of a tile's rectangle in one sample: the last axis (columns) and, for images and volumes, the rows.</summary>
    private static Tensor Region(Tensor sample, int spatialRank, Tile tile)
    {
        Tensor columns = sample.narrow(-1, tile.Left, tile.Right - tile.Left);
        return spatialRank == 1 ? columns : columns.narrow(-2, tile.Top, tile.Bottom - tile.Top);
    }

    /// <summary>
    /// A resized partner: libtorch's bilinear <c>interpolate</c> with antialiasing (ResizeRegion's definition, in
    /// libtorch's float arithmetic), in float32 for half precision, copied into the box. A sequence is a plane of height
    /// 1, and only the partner's first <see cref="ResizeRegion.PartnerLength"/> positions are resized when it has one; an
    /// image's partner box only, when it has one; a clip's frames in the region's frame range only, when it has one.
    /// </summary>
    private static void Resize(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        var region = (ResizeRegion)plan.Regions[sample];
        int rank = plan.Spatial.Rank;
        ScalarType work = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor partner = x[plan.Sources(sample)[1]], target = result[sample];
        if (region.PartnerLength is int length)
        {
            partner = partner.narrow(-1, 0, length); // the partner's valid part: nothing past it is read
        }

        if (region.HasPartnerBox)
        {
            partner = Region(partner, rank, new Tile(1, region.PartnerTop, region.PartnerLeft, region.PartnerBottom, region.PartnerRight));
        }

        if (region.EndFrame is int end)
        {
            partner = partner.narrow(-3, region.FirstFrame, end - region.FirstFrame); // the other frames keep the sample's own
            target = target.narrow(-3, region.FirstFrame, end - region.FirstFrame);
        }

        partner = partner.to(work);
        long[] shape = partner.shape; // [..., H, W], or [..., L] for a sequence
        long height = rank == 1 ? 1 : shape[^2];
        Tensor planes = partner.reshape(1, -1, height, shape[^1]);
        long[] size = [region.Bottom - region.Top, region.Right - region.Left];
        Tensor resized = AntialiasedResize(planes, size[0], size[1]);
        Tensor patch = (rank == 1 ? resized.reshape([.. shape[..^1], size[1]]) : resized.reshape([.. shape[..^2], size[0], size[1]])).to(x.dtype);
        Region(target, rank, new Tile(1, region.Top, region.Left, region.Bottom, region.Right)).copy_(patch);
    }

    /// <summary>
    /// A mosaic: the four quadrants' sources gathered, resized to the tile in one libtorch <c>interpolate</c> (bilinear,
    /// antialiased: ResizeRegion's definition), and each tile's visible part copied into its quadrant.
    /// </summary>
    private static void Mosaic(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        var region = (MosaicRegion)plan.Regions[sample];
        ReadOnlySpan<int> sources = plan.Sources(sample);
        var quadrants = new long[MosaicRegion.Quadrants];
        for (int q = 0; q < quadrants.Length; q++)
        {
            quadrants[q] = sources[region.Slots[q]];
        }

        ScalarType work = x.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        Tensor planes = x.index_select(0, DeviceData.Upload(quadrants, [quadrants.Length], x.device)).to(work);
        long[] shape = planes.shape; // [4, ..., H, W]
        long[] size = [region.TileHeight, region.TileWidth];
        Tensor tiles = AntialiasedResize(planes.reshape(quadrants.Length, -1, shape[^2], shape[^1]), size[0], size[1])
            .reshape([.. shape[..^2], size[0], size[1]]).to(x.dtype);
        for (int q = 0; q < quadrants.Length; q++)
        {
            (int top, int left, int bottom, int right) = region.QuadrantBox(q);
            Tensor visible = tiles[q].narrow(-2, region.TileRow(top), bottom - top).narrow(-1, region.TileColumn(left), right - left);
            Region(result[sample], 2, new Tile(0, top, left, bottom, right)).copy_(visible);
        }
    }

    /// <summary>
    /// libtorch's bilinear <c>interpolate</c> with antialiasing of planes <c>[N, C, h, w]</c> to
    /// <paramref name="height"/> × <paramref name="width"/>. The libtorch of TorchSharp 0.107 gets one case wrong: an
    /// output one column wide whose height shrinks to between 2 and h − 1 repeats its first row (every such size up to
    /// 9x9, ResizeParityTests); one row wide it is right. That case is resized transposed, which the separable filter
    /// makes the same resize.
    /// </summary>
    private static Tensor AntialiasedResize(Tensor planes, long height, long width) => width == 1 && height > 1
        ? nn.functional.interpolate(planes.transpose(-1, -2), [width, height], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true).transpose(-1, -2)
        : nn.functional.interpolate(planes, [height, width], mode: InterpolationMode.Bilinear, align_corners: false, antialias: true);
}
