using System.Buffers;
using System.Runtime.CompilerServices;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <content>The segment kernels: a sample mixed with one partner (blends, boxes, masks, soft boxes, tiles) and the copies.</content>
internal sealed unsafe partial class MixJob<T, TKernels>
{
    /// <summary>One segment of a sample mixed with one partner.</summary>
    /// <param name="op">The sample's decoded region.</param>
    /// <param name="rankedMask">The plane of the sample's ranked mask (used for ranked masks only).</param>
    /// <param name="self">The sample's segment.</param>
    /// <param name="partner">The partner's segment.</param>
    /// <param name="destination">The output segment.</param>
    /// <param name="offset">The segment's offset in its plane.</param>
    /// <param name="count">Elements in the segment.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixPair(in SampleOp op, float* rankedMask, T* self, T* partner, T* destination, int offset, int count)
    {
        switch (op.Kind)
        {
            case OpKind.Keep:
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                return;
            case OpKind.Blend when op.SelfEnd < offset + count || op.PartnerEnd < offset + count:
                BlendPadded(in op, self, partner, destination, offset, count);
                return;
            case OpKind.Blend:
                TKernels.Blend(self, partner, destination, count, op.SelfWeight, op.PartnerWeight);
                return;
            case OpKind.Mask when op.Ranked:
                TKernels.MaskBlend(self, partner, rankedMask + offset, destination, count);
                return;
            case OpKind.Mask:
                fixed (float* weights = op.Mask)
                {
                    TKernels.MaskBlend(self, partner, weights + offset, destination, count);
                }

                return;
            case OpKind.Box:
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                CopyBox(in op, offset, count, partner, destination);
                return;
            case OpKind.SoftBox:
                MixSoftBox(in op, self, partner, destination, offset, count);
                return;
            case OpKind.Tiles:
                // Only partner tiles come here (FindCycles): every tile copies from the partner, in any order.
                if (self != destination)
                {
                    Copy(self, destination, count);
                }

                foreach (Tile tile in op.Tiles.AsSpan(op.TileStart, op.TileCount))
                {
                    CopyFrameRows(tile.Top, tile.Left, tile.Bottom, tile.Right, op.FirstFrame, op.EndFrame, offset, count, partner, destination);
                }

                return;
            default:
                throw new InvalidOperationException($"A {op.Kind} region cannot be mixed pairwise."); // FindCycles routes them to the general path
        }
    }

    /// <summary>
    /// A segment of a soft box, row by row: rows and columns outside the support are the sample's own (copied, or left
    /// alone in place), and the support's columns of each row are mixed with weights made from the row's fall-off and
    /// the columns' (<see cref="IMixKernels{T}.SoftRowBlend"/>), one kernel call per row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixSoftBox(in SampleOp op, T* self, T* partner, T* destination, int offset, int count)
    {
        int width = _width, firstRow = offset / width, rows = count / width;
        for (int r = 0; r < rows; r++)
        {
            long at = (long)r * width;
            MixSoftRow(in op, firstRow + r, self + at, partner + at, destination + at);
        }
    }

    /// <summary>
    /// A segment of the two soft boxes of a 2-cycle (each sample the other's partner), row by row. Where both supports
    /// cover a row, its columns from the first support's left to the last support's right are mixed in one pass
    /// (<see cref="IMixKernels{T}.SoftPairRowBlend"/>): in place, this needs no spare copy of either sample, and each
    /// element is read once for both outputs. Outside a support every weight is exactly 1, so the wider span makes
    /// the same values. Rows in one support only mix that sample as <see cref="MixSoftBox"/> does; the other keeps its row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixSoftBoxPair(in SampleOp opA, in SampleOp opB, T* a, T* b, T* destinationA, T* destinationB, int offset, int count)
    {
        int width = _width, height = _height, firstRow = offset / width, rows = count / width;
        int left = Math.Min(opA.Left, opB.Left) & ~15, right = Math.Min(width, (Math.Max(opA.Right, opB.Right) + 15) & ~15);
        fixed (float* falloffsA = opA.Mask, falloffsB = opB.Mask)
        {
            float* rowFalloffsA = falloffsA + opA.MaskOffset, rowFalloffsB = falloffsB + opB.MaskOffset;
            for (int r = 0; r < rows; r++)
            {
                int planeRow = firstRow + r, y = planeRow % height;
                long at = (long)r * width;
                if (!(CoversRow(in opA, planeRow) && CoversRow(in opB, planeRow)))
                {
                    // At most one sample mixes this row, reading the other's row, which stays its own.
                    MixSoftRow(in opA, planeRow, a + at, b + at, destinationA + at);
                    MixSoftRow(in opB, planeRow, b + at, a + at, destinationB + at);
                    continue;
                }

                if (a != destinationA)
                {
                    CopyOutside(a + at, destinationA + at, left, right);
                    CopyOutside(b + at, destinationB + at, left, right);
                }

                TKernels.SoftPairRowBlend(
                    a + at + left,
                    b + at + left,
                    new SoftRow(rowFalloffsA + height + left, rowFalloffsA[y]),
                    new SoftRow(rowFalloffsB + height + left, rowFalloffsB[y]),
                    destinationA + at + left,
                    destinationB + at + left,
                    right - left,
                    _stream);
            }
        }
    }

    /// <summary>
    /// A segment of the two boxes of a 2-cycle (each sample pastes the other's elements), row by row. Where both boxes
    /// cover a row, the columns from the first box's left to the last box's right go through one pass
    /// (<see cref="IMixKernels{T}.BoxPairRow"/>); where one does, its columns are copied from the other sample, whose
    /// row stays its own; rows of neither are the samples' own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixBoxPair(in SampleOp opA, in SampleOp opB, T* a, T* b, T* destinationA, T* destinationB, int offset, int count)
    {
        int width = _width, firstRow = offset / width, rows = count / width;
        bool inPlace = a == destinationA;

        // Streamed outputs are written whole rows at a time by the kernel (every line past the caches); otherwise the
        // kernel takes the boxes' columns and copies or leaves the rest.
        bool wholeRows = _stream && !inPlace;
        int left = wholeRows ? 0 : Math.Min(opA.Left, opB.Left), right = wholeRows ? width : Math.Max(opA.Right, opB.Right);
        var boxA = new ColumnSpan(opA.Left - left, opA.Right - left);
        var boxB = new ColumnSpan(opB.Left - left, opB.Right - left);
        for (int r = 0; r < rows; r++)
        {
            long at = (long)r * width;
            bool inA = CoversRow(in opA, firstRow + r), inB = CoversRow(in opB, firstRow + r);
            if ((inA && inB) || wholeRows)
            {
                if (!inPlace && !wholeRows)
                {
                    CopyOutside(a + at, destinationA + at, left, right);
                    CopyOutside(b + at, destinationB + at, left, right);
                }

                TKernels.BoxPairRow(a + at + left, b + at + left, inA ? boxA : default, inB ? boxB : default, destinationA + at + left, destinationB + at + left, right - left, _stream);
                continue;
            }

            // One box or none: the other sample's row is read as it is, and stays its own.
            if (!inPlace)
            {
                Copy(a + at, destinationA + at, width);
                Copy(b + at, destinationB + at, width);
            }

            if (inA)
            {
                Copy(b + at + opA.Left, destinationA + at + opA.Left, opA.Right - opA.Left);
            }
            else if (inB)
            {
                Copy(a + at + opB.Left, destinationB + at + opB.Left, opB.Right - opB.Left);
            }
        }
    }

    /// <summary>
    /// A segment of the partner tiles of a 2-cycle (GridMix's cells), row by row. Where both samples have tiles in a
    /// row, the row's tiles become two weight rows (0 under a tile, 1 elsewhere) and the pair is mixed in one pass by
    /// <see cref="IMixKernels{T}.MaskPairBlend"/>, whose weights of exactly 0 and 1 select elements whole; where one
    /// sample has, its tiles' columns are copied from the other sample, whose row stays its own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixTilePair(in SampleOp opA, in SampleOp opB, T* a, T* b, T* destinationA, T* destinationB, int offset, int count)
    {
        // Two weight rows, on the stack as the walk's spare is (rows wider than StackSpareBytes rent them): this runs once
        // per segment of every pair, and renting there cost a pool round trip each time.
        int width = _width;
        if (2 * width * sizeof(float) <= StackSpareBytes)
        {
            float* weights = stackalloc float[2 * width];
            MixTilePairRows(in opA, in opB, a, b, destinationA, destinationB, offset, count, weights);
            return;
        }

        float[] rented = ArrayPool<float>.Shared.Rent(2 * width);
        try
        {
            fixed (float* weights = rented)
            {
                MixTilePairRows(in opA, in opB, a, b, destinationA, destinationB, offset, count, weights);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The rows of <see cref="MixTilePair"/>, with room for two weight rows at <paramref name="weights"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixTilePairRows(in SampleOp opA, in SampleOp opB, T* a, T* b, T* destinationA, T* destinationB, int offset, int count, float* weights)
    {
        int width = _width, firstRow = offset / width, rows = count / width;
        bool inPlace = a == destinationA;
        float* weightsA = weights, weightsB = weights + width;
        ReadOnlySpan<Tile> tilesA = opA.Tiles.AsSpan(opA.TileStart, opA.TileCount), tilesB = opB.Tiles.AsSpan(opB.TileStart, opB.TileCount);

        // A weight row holds until a tile starts or ends (GridMix's cells are many rows tall): made once per such band
        // of rows, not per row (making it was as costly as the blend, 18 % of GridMix's samples under perf each).
        bool inA = false, inB = false;
        int frameA = -1, frameB = -1, untilA = 0, untilB = 0;
        for (int r = 0; r < rows; r++)
        {
            long at = (long)r * width;
            int y = (firstRow + r) % _height, frame = (firstRow + r) / _height; // a tiling with frames has no tiles on the others
            if (frame != frameA || y >= untilA)
            {
                frameA = frame;
                inA = RowWeights(tilesA, opA.CoversFrame(frame), y, _height, new Span<float>(weightsA, width), out untilA);
            }

            if (frame != frameB || y >= untilB)
            {
                frameB = frame;
                inB = RowWeights(tilesB, opB.CoversFrame(frame), y, _height, new Span<float>(weightsB, width), out untilB);
            }

            if (inA && inB)
            {
                TKernels.MaskPairBlend(a + at, b + at, weightsA, weightsB, destinationA + at, destinationB + at, width, _stream);
                continue;
            }

            if (!inPlace)
            {
                Copy(a + at, destinationA + at, width);
                Copy(b + at, destinationB + at, width);
            }

            // One sample's tiles or none: the other sample's row is read as it is.
            foreach (Tile tile in inA ? tilesA : inB ? tilesB : [])
            {
                if (y >= tile.Top && y < tile.Bottom)
                {
                    T* from = inA ? b : a, to = inA ? destinationA : destinationB;
                    Copy(from + at + tile.Left, to + at + tile.Left, tile.Right - tile.Left);
                }
            }
        }
    }

    /// <summary>Writes row <paramref name="y"/>'s weights under partner tiles (0 in a tile, 1 elsewhere) where the tiles
    /// are <paramref name="drawn"/> on its frame; false when no tile crosses the row. <paramref name="until"/> is the
    /// first row after <paramref name="y"/> (at most <paramref name="height"/>) where a tile starts or ends: the rows
    /// before it have the same weights.</summary>
    private static bool RowWeights(ReadOnlySpan<Tile> tiles, bool drawn, int y, int height, Span<float> weights, out int until)
    {
        until = height;
        if (!drawn)
        {
            return false;
        }

        bool any = false;
        foreach (Tile tile in tiles)
        {
            if (y < tile.Top)
            {
                until = Math.Min(until, tile.Top);
                continue;
            }

            if (y >= tile.Bottom)
            {
                continue;
            }

            until = Math.Min(until, tile.Bottom);
            if (!any)
            {
                weights.Fill(1f);
                any = true;
            }

            weights[tile.Left..tile.Right].Clear();
        }

        return any;
    }

    /// <summary>True when the box (or a soft box's support) covers row <paramref name="planeRow"/> of a plane (of a volume:
    /// frame by frame, each <c>H</c> rows).</summary>
    private bool CoversRow(in SampleOp box, int planeRow)
    {
        int y = planeRow % _height, frame = planeRow / _height;
        return y >= box.Top && y < box.Bottom && box.CoversFrame(frame);
    }

    /// <summary>
    /// Row <paramref name="planeRow"/> of a channel's plane under a soft box: outside the support's rows (or the box's
    /// frames) the sample's own (copied, or left alone in place); within them the support's columns mixed by weights made
    /// from the row's fall-off and the columns'.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MixSoftRow(in SampleOp op, int planeRow, T* self, T* partner, T* destination)
    {
        int width = _width, y = planeRow % _height;
        bool inPlace = self == destination;
        if (!CoversRow(in op, planeRow))
        {
            if (!inPlace)
            {
                Copy(self, destination, width);
            }

            return;
        }

        // The support's columns widened to multiples of 16 (64 bytes of float32): rows of 224 floats then start on
        // aligned vectors, where the kernel needs no scalar head or tail (30 scalar elements a row cost more than the
        // vectors of weight 1 that the widening adds and the kernel skips).
        int left = op.Left & ~15, right = Math.Min(width, (op.Right + 15) & ~15);
        if (!inPlace)
        {
            CopyOutside(self, destination, left, right);
        }

        fixed (float* falloffs = op.Mask)
        {
            float* rowFalloffs = falloffs + op.MaskOffset;
            TKernels.SoftRowBlend(self + left, partner + left, rowFalloffs + _height + left, rowFalloffs[y], destination + left, right - left);
        }
    }

    /// <summary>Copies a row's columns before <paramref name="left"/> and from <paramref name="right"/> on.</summary>
    private void CopyOutside(T* self, T* destination, int left, int right)
    {
        Copy(self, destination, left);
        Copy(self + right, destination + right, _width - right);
    }

    /// <summary>A zero-padded blend of a segment that crosses a source's end: zeros stand in for each source past it.</summary>
    private void BlendPadded(in SampleOp op, T* self, T* partner, T* destination, int offset, int count)
    {
        int selfEnd = Math.Clamp(op.SelfEnd - offset, 0, count), partnerEnd = Math.Clamp(op.PartnerEnd - offset, 0, count);
        int first = Math.Min(selfEnd, partnerEnd), second = Math.Max(selfEnd, partnerEnd);
        TKernels.Blend(self, partner, destination, first, op.SelfWeight, op.PartnerWeight);
        T* a = selfEnd > first ? self + first : _zero, b = partnerEnd > first ? partner + first : _zero;
        TKernels.Blend(a, b, destination + first, second - first, op.SelfWeight, op.PartnerWeight);
        TKernels.Blend(_zero, _zero, destination + second, count - second, op.SelfWeight, op.PartnerWeight);
    }

    /// <summary>Copies a box's elements of the segment: its rows on the box's frames only (on every frame without a range).</summary>
    private void CopyBox(in SampleOp box, int offset, int count, T* from, T* to) =>
        CopyFrameRows(box.Top, box.Left, box.Bottom, box.Right, box.FirstFrame, box.EndFrame, offset, count, from, to);

    /// <summary>Copies a rectangle's elements of the segment on the frames <c>[firstFrame, endFrame)</c> (0 and
    /// <see cref="int.MaxValue"/>: every frame): a box's, or a tile's of a tiling with the tiling's frames.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyFrameRows(int top, int left, int bottom, int right, int firstFrame, int endFrame, int offset, int count, T* from, T* to)
    {
        // Frame f holds the volume rows [f·H, (f + 1)·H) of a channel; keep the segment's rows that lie in the frames.
        int width = _width;
        int firstRow = offset / width, rows = count / width;
        int skip = (int)Math.Clamp(((long)firstFrame * _height) - firstRow, 0, rows);
        int end = (int)Math.Clamp(((long)endFrame * _height) - firstRow, 0, rows);
        if (end > skip)
        {
            int at = skip * width;
            CopyRows(top, left, bottom, right, offset + at, (end - skip) * width, from + at, to + at);
        }
    }

    /// <summary>Copies the box's columns of every row of the segment that crosses the box.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void CopyRows(int top, int left, int bottom, int right, int offset, int count, T* from, T* to)
    {
        int width = _width;
        int firstRow = offset / width;
        int rows = count / width;
        int firstY = firstRow % _height;
        if (firstY + rows <= _height && (bottom <= firstY || top >= firstY + rows))
        {
            return; // the segment's rows (within one plane) miss the box: a grid's many tiles mostly do
        }

        int boxWidth = right - left;
        for (int r = 0; r < rows; r++)
        {
            int y = (firstRow + r) % _height; // rows of a volume repeat every plane of height rows
            if (y >= top && y < bottom)
            {
                int at = (r * width) + left;
                Copy(from + at, to + at, boxWidth);
            }
        }
    }

    /// <summary>Copies the segment's elements outside a box of its plane: the rows above and below it whole, and each box
    /// row left and right of it (a resized box writes its own elements, so reading and writing them twice is spared).</summary>
    private void CopyAround(int top, int left, int bottom, int right, int offset, int count, T* from, T* to)
    {
        int width = _width, firstRow = offset / width, rows = count / width;
        int boxFirst = Math.Clamp(top - firstRow, 0, rows), boxEnd = Math.Clamp(bottom - firstRow, 0, rows);
        Copy(from, to, boxFirst * width);
        for (int r = boxFirst; r < boxEnd; r++)
        {
            int at = r * width;
            Copy(from + at, to + at, left);
            Copy(from + at + right, to + at + right, width - right);
        }

        Copy(from + (boxEnd * width), to + (boxEnd * width), (rows - boxEnd) * width);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Copy(T* from, T* to, int count) =>
        Unsafe.CopyBlockUnaligned(to, from, (uint)(count * sizeof(T)));
}
