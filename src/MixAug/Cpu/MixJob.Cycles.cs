using System.Runtime.CompilerServices;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <content>Walking the cycles of a permutation plan segment by segment, and fused cycles with their masks.</content>
internal sealed unsafe partial class MixJob<T, TKernels>
{
    /// <summary>Units are segments of every cycle, or (fused) whole cycles with their masks.</summary>
    private void WalkPart(int part, int first, int end, T* spare)
    {
        if (!_fused)
        {
            Walk(first, end, spare);
            return;
        }

        (float[] masks, RasterWorkspace workspace) = _partScratch[part];
        fixed (float* maskBase = masks)
        {
            for (int cycle = first; cycle < end; cycle++)
            {
                WalkCycleWithMasks(cycle, maskBase, masks, workspace, spare);
            }
        }
    }

    /// <summary>
    /// True when ranked masks are better rasterised cycle by cycle: every masked sample ranks values of its own (a
    /// noise image per sample, not one per batch), every cycle is short, and there are enough cycles to share out.
    /// </summary>
    private bool Fusable(MixPlan plan, int parts)
    {
        bool anyRanked = false;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            anyRanked |= _ops[i].Ranked;
        }

        if (!anyRanked || _cycles < 2 * parts)
        {
            return false;
        }

        for (int c = 0; c < _cycles; c++)
        {
            if (_starts[c + 1] - _starts[c] > MaxFusedCycle)
            {
                return false;
            }
        }

        return _raster.EverySampleRanksItsOwnValues(plan, _ops);
    }

    private void EnsurePartScratch(int parts, int plane)
    {
        while (_partScratch.Count < parts)
        {
            _partScratch.Add(([], new RasterWorkspace()));
        }

        for (int p = 0; p < parts; p++)
        {
            if (_partScratch[p].Masks.Length < MaxFusedCycle * plane)
            {
                _partScratch[p] = (GC.AllocateUninitializedArray<float>(MaxFusedCycle * plane), _partScratch[p].Workspace);
            }
        }
    }

    /// <summary>
    /// One cycle, fused: its ranked masks rasterised into the part's scratch, then walked channel by channel (the few
    /// masks of a cycle stay in the core's cache for every channel; walking segment-major instead, with its three streams
    /// per sample, measured 12 % slower for 128x3x224x224 FMix per sample on one thread).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WalkCycleWithMasks(int cycle, float* maskBase, float[] masks, RasterWorkspace workspace, T* spare)
    {
        int start = _starts[cycle], length = _starts[cycle + 1] - start;
        int plane = _plane, channels = _sampleSize / plane;
        for (int t = 0; t < length; t++)
        {
            int sample = _order[start + t];
            if (_ops[sample].Ranked)
            {
                RegionRasterizer.WriteComputedMask(_plan.Regions[sample], _plan.Spatial, _configuration, workspace, masks.AsSpan(t * plane, plane));
            }
        }

        for (int channel = 0; channel < channels; channel++)
        {
            for (int s = 0; s < _segmentsPerPlane; s++)
            {
                int offset = s * _segmentLength;
                int count = Math.Min(_segmentLength, plane - offset);
                WalkCycleSegment(start, length, ((long)channel * plane) + offset, offset, count, spare, maskBase);
            }
        }
    }

    /// <summary>True when every sample's region can be walked segment by segment around its cycle.</summary>
    private bool Walkable(int batchSize)
    {
        for (int i = 0; i < batchSize; i++)
        {
            // Tiles of the partner only are a union of boxes and walk like one; tiles that repaint the sample's own
            // elements over the partner's need the untouched sample, which in place only a snapshot keeps.
            // A resized partner (or mosaic tile) reads its whole plane, rows another segment may already have overwritten in place.
            if (_ops[i].Kind is OpKind.BlendMany or OpKind.Resize or OpKind.Mosaic || (_ops[i].Kind == OpKind.Tiles && !_ops[i].PartnerTilesOnly))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Lists the samples cycle by cycle (<see cref="_order"/>, <see cref="_starts"/>) when the plan is pairwise
    /// and its partners form a permutation; false otherwise.</summary>
    private bool FindCycles(MixPlan plan)
    {
        if (!plan.IsPairwise)
        {
            return false;
        }

        int b = plan.BatchSize;
        if (_order.Length < b)
        {
            _order = new int[b];
            _starts = new int[b + 1];
            _seen = new bool[b];
        }

        ReadOnlySpan<int> partners = plan.Partners;
        Span<bool> seen = _seen.AsSpan(0, b);
        seen.Clear();
        foreach (int p in partners)
        {
            if (seen[p])
            {
                return false; // a repeated partner: not a permutation
            }

            seen[p] = true;
        }

        seen.Clear();
        int n = 0;
        _cycles = 0;
        for (int i = 0; i < b; i++)
        {
            if (seen[i])
            {
                continue;
            }

            _starts[_cycles++] = n;
            for (int j = i; !seen[j]; j = partners[j])
            {
                seen[j] = true;
                _order[n++] = j;
            }
        }

        _starts[_cycles] = b;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void Walk(int firstUnit, int endUnit, T* spare)
    {
        int plane = _plane;
        for (int cycle = 0; cycle < _cycles; cycle++)
        {
            int start = _starts[cycle];
            int length = _starts[cycle + 1] - start;
            for (int unit = firstUnit; unit < endUnit; unit++)
            {
                int channel = unit / _segmentsPerPlane;
                int offset = (unit % _segmentsPerPlane) * _segmentLength;
                int count = Math.Min(_segmentLength, plane - offset);
                WalkCycleSegment(start, length, ((long)channel * plane) + offset, offset, count, spare, null);
            }
        }
    }

    /// <summary>
    /// One segment of one cycle (the cycle's samples from <paramref name="start"/> on in the walk order): each sample
    /// mixed with the next, the last with the first, whose segment is saved first in place; a cycle of one is copied.
    /// Masks are the plan's (<paramref name="cycleMasks"/> null) or the cycle's own, rasterised plane after plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WalkCycleSegment(int start, int length, long planeOffset, int offset, int count, T* spare, float* cycleMasks)
    {
        int first = _order[start];
        long sampleSize = _sampleSize;
        if (length == 1)
        {
            if (!_inPlace)
            {
                Copy(_source + ((first * sampleSize) + planeOffset), _destination + ((first * sampleSize) + planeOffset), count);
            }

            return;
        }

        if (length == 2 && MixTwoCycle(first, _order[start + 1], RankedMask(first, 0, cycleMasks), RankedMask(_order[start + 1], 1, cycleMasks), planeOffset, offset, count))
        {
            return;
        }

        if (_inPlace)
        {
            SaveForLast(in _ops[_order[start + length - 1]], _source + ((first * sampleSize) + planeOffset), spare, offset, count);
        }

        for (int t = 0; t < length; t++)
        {
            int sample = _order[start + t];
            int partner = t == length - 1 ? first : _order[start + t + 1];
            if (t + 2 < length)
            {
                // The step after next reads this segment of its partner from memory: ask for it now, so the read
                // overlaps this step's and the next one's (each segment is a short stream of its own, and the hardware
                // prefetcher ramps up on every one).
                OutputRows.Lines((byte*)(_source + ((_order[start + t + 2] * sampleSize) + planeOffset)), count * sizeof(T));
            }

            long at = (sample * sampleSize) + planeOffset;
            T* partnerSegment = _inPlace && t == length - 1 ? spare : _source + ((partner * sampleSize) + planeOffset);
            MixPair(in _ops[sample], RankedMask(sample, t, cycleMasks), _source + at, partnerSegment, _destination + at, offset, count);
        }
    }

    /// <summary>
    /// A segment of a 2-cycle whose two regions have a pair kernel (blends, soft boxes, boxes, partner tiles, masks), which reads both samples
    /// before writing either: in place, no spare copy is made. False, with nothing done, for other regions.
    /// </summary>
    private bool MixTwoCycle(int sampleA, int sampleB, float* rankedA, float* rankedB, long planeOffset, int offset, int count)
    {
        ref readonly SampleOp opA = ref _ops[sampleA], opB = ref _ops[sampleB];
        long atA = (sampleA * (long)_sampleSize) + planeOffset, atB = (sampleB * (long)_sampleSize) + planeOffset;
        T* a = _source + atA, b = _source + atB, destinationA = _destination + atA, destinationB = _destination + atB;
        switch ((opA.Kind, opB.Kind))
        {
            case (OpKind.SoftBox, OpKind.SoftBox):
                MixSoftBoxPair(in opA, in opB, a, b, destinationA, destinationB, offset, count);
                return true;
            case (OpKind.Box, OpKind.Box):
                MixBoxPair(in opA, in opB, a, b, destinationA, destinationB, offset, count);
                return true;
            case (OpKind.Blend, OpKind.Blend) when Unpadded(in opA, offset + count) && Unpadded(in opB, offset + count):
                TKernels.BlendPair(a, b, new BlendWeights(opA.SelfWeight, opA.PartnerWeight), new BlendWeights(opB.SelfWeight, opB.PartnerWeight), destinationA, destinationB, count, _stream);
                return true;
            case (OpKind.Tiles, OpKind.Tiles) when opA.PartnerTilesOnly && opB.PartnerTilesOnly:
                MixTilePair(in opA, in opB, a, b, destinationA, destinationB, offset, count);
                return true;
            case (OpKind.Mask, OpKind.Mask):
                fixed (float* weightsA = opA.Mask, weightsB = opB.Mask)
                {
                    float* maskA = opA.Ranked ? rankedA : weightsA, maskB = opB.Ranked ? rankedB : weightsB;
                    TKernels.MaskPairBlend(a, b, maskA + offset, maskB + offset, destinationA, destinationB, count, _stream);
                }

                return true;
            default:
                return false;
        }
    }

    /// <summary>True when a blend's sources both hold every element before <paramref name="end"/> (no zero padding to stand in).</summary>
    private static bool Unpadded(in SampleOp blend, int end) => blend.SelfEnd >= end && blend.PartnerEnd >= end;

    /// <summary>The plane of a sample's ranked mask: the plan's, or the fused cycle's (the cycle's <paramref name="t"/>-th).</summary>
    private float* RankedMask(int sample, int t, float* cycleMasks) =>
        cycleMasks is null ? _masks + _ops[sample].MaskOffset : cycleMasks + ((long)t * _plane);

    /// <summary>Copies to the spare the elements of the cycle's first sample that the cycle's last sample will read.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SaveForLast(in SampleOp last, T* firstSegment, T* spare, int offset, int count)
    {
        switch (last.Kind)
        {
            case OpKind.Keep:
                return;
            case OpKind.Box:
                CopyBox(in last, offset, count, firstSegment, spare);
                return;
            case OpKind.SoftBox:
                CopyFrameRows(last.Top, last.Left, last.Bottom, last.Right, last.FirstFrame, last.EndFrame, offset, count, firstSegment, spare); // its support
                return;
            case OpKind.Tiles:
                // The last sample reads the spare at its tiles only, all inside their bounding box on the tiling's
                // frames: one copy per row of it instead of one per row of every tile (a grid has about 24 holes).
                CopyFrameRows(last.Top, last.Left, last.Bottom, last.Right, last.FirstFrame, last.EndFrame, offset, count, firstSegment, spare);
                return;
            default:
                Copy(firstSegment, spare, count);
                return;
        }
    }
}
