using System.Runtime.CompilerServices;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <content>General plans: a segment of one sample from any of its sources, and (with mosaics) a channel plane by source.</content>
internal sealed unsafe partial class MixJob<T, TKernels>
{
    /// <summary>One segment of one channel of one sample, from any of its sources (general plans).</summary>
    private void MixGeneralUnit(int unit)
    {
        int perSample = (_sampleSize / _plane) * _segmentsPerPlane;
        int rest = unit % perSample;
        MixGeneralSegment(unit / perSample, rest / _segmentsPerPlane, rest % _segmentsPerPlane);
    }

    /// <summary>
    /// One channel plane of one sample of a general plan whose partners form a permutation, the units taken cycle by
    /// cycle, channel by channel, and sample by sample around the cycle: the plane a sample reads as its partner is the
    /// plane the next unit reads as its own, from the core's cache. For a 2-cycle of resized boxes (ResizeMix with the
    /// flip pairing), each sample's plane comes from memory once, where sample order read every partner plane a second
    /// time (the partners of one part's samples lie in the other's).
    /// </summary>
    private void MixCycleOrderedUnit(int unit, bool another)
    {
        (int sample, int channel, _, _) = CycleOrderedUnit(unit);
        if (_ops[sample].Kind == OpKind.Resize)
        {
            // One pass down the plane (a uint8 partner widened once), asking for what the next unit reads from memory:
            // the planes of the next cycle's samples as it starts (both, in a 2-cycle; its second unit reads them
            // from the cache).
            T* nextSelf = null, nextPartner = null;
            if (another)
            {
                (int next, int nextChannel, int t, int length) = CycleOrderedUnit(unit + 1);
                long planeOffset = (long)nextChannel * _plane;
                nextSelf = t == 0 ? Source(next, planeOffset) : null;
                nextPartner = _plan.Sources(next) is { Length: > 1 } sources && sources[1] != next && t < length - 1 ? Source(sources[1], planeOffset) : null;
            }

            MixGeneralRange(sample, channel, 0, _plane, nextSelf, nextPartner);
            return;
        }

        for (int segment = 0; segment < _segmentsPerPlane; segment++)
        {
            MixGeneralSegment(sample, channel, segment);
        }
    }

    /// <summary>The sample and channel of a cycle-ordered unit, the sample's place in its cycle and the cycle's length.</summary>
    private (int Sample, int Channel, int Place, int Length) CycleOrderedUnit(int unit)
    {
        int channels = _sampleSize / _plane, position = unit / channels;
        int cycle = _starts.AsSpan(0, _cycles + 1).BinarySearch(position);
        cycle = cycle >= 0 ? cycle : ~cycle - 1;
        int start = _starts[cycle], length = _starts[cycle + 1] - start, rest = unit - (start * channels);
        return (_order[start + (rest % length)], rest / length, rest % length, length);
    }

    /// <summary>
    /// One channel of one sample (plans with mosaics): the sample's own output plane, segment by segment, unless it is
    /// a mosaic; then every mosaic quadrant that shows this plane (<see cref="MosaicRows"/>). Each output element is
    /// written by one unit: a mosaic's quadrant by the unit of the source it shows.
    /// </summary>
    private void MixPlaneUnit(int unit, bool another)
    {
        int channels = _sampleSize / _plane, sample = unit / channels, channel = unit % channels;
        T* next = another ? Source((unit + 1) / channels, (long)((unit + 1) % channels) * _plane) : null;
        if (_ops[sample].Kind != OpKind.Mosaic)
        {
            for (int segment = 0; segment < _segmentsPerPlane; segment++)
            {
                MixGeneralSegment(sample, channel, segment);
            }
        }

        long planeOffset = (long)channel * _plane;
        _mosaics.WriteReaders(_plan, sample, Source(sample, planeOffset), _destination + planeOffset, _sampleSize, _width, _plane, next, _stream);
    }

    /// <summary>Segment <paramref name="segment"/> of channel <paramref name="channel"/> of sample
    /// <paramref name="sample"/>, from any of its sources (general plans; mosaics are written by source).</summary>
    private void MixGeneralSegment(int sample, int channel, int segment)
    {
        int offset = segment * _segmentLength;
        MixGeneralRange(sample, channel, offset, Math.Min(_segmentLength, _plane - offset), null, null);
    }

    /// <summary>Elements [<paramref name="offset"/>, <paramref name="offset"/> + <paramref name="count"/>) (whole rows)
    /// of channel <paramref name="channel"/> of sample <paramref name="sample"/>, from any of its sources; a streamed
    /// resized box asks for <paramref name="nextSelf"/> and <paramref name="nextPartner"/> on the way (null: nothing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixGeneralRange(int sample, int channel, int offset, int count, T* nextSelf, T* nextPartner)
    {
        long planeOffset = ((long)channel * _plane) + offset;
        ReadOnlySpan<int> sources = _plan.Sources(sample);
        T* destination = _destination + (((long)sample * _sampleSize) + planeOffset);
        T* self = _source + (((long)sample * _sampleSize) + planeOffset);
        ref readonly SampleOp op = ref _ops[sample];
        switch (op.Kind)
        {
            case OpKind.BlendMany:
                ReadOnlySpan<double> weights = _plan.Weights(sample);
                TKernels.Blend(self, Source(sources[1], planeOffset), destination, count, (float)weights[0], (float)weights[1]);
                for (int k = 2; k < sources.Length; k++)
                {
                    // acc + x_k·w_k: a blend of the accumulator with weight 1 (x·1 is exact), in slot order.
                    TKernels.Blend(destination, Source(sources[k], planeOffset), destination, count, 1f, (float)weights[k]);
                }

                return;
            case OpKind.Tiles:
                Copy(self, destination, count);
                foreach (Tile tile in op.Tiles.AsSpan(op.TileStart, op.TileCount))
                {
                    // Own tiles too: painted after a partner's tile, they bring the sample's elements back.
                    CopyFrameRows(tile.Top, tile.Left, tile.Bottom, tile.Right, op.FirstFrame, op.EndFrame, offset, count, Source(sources[tile.Slot], planeOffset), destination);
                }

                return;
            case OpKind.Resize:
                var box = (ResizeRegion)_plan.Regions[sample];
                if (_stream)
                {
                    ResizeRows.WriteStreamed(box, (float*)Source(sources[1], planeOffset - offset), (float*)self, (float*)destination, _width, _plane, offset, count, (float*)nextSelf, (float*)nextPartner);
                    return;
                }

                CopyAround(box.Top, box.Left, box.Bottom, box.Right, offset, count, self, destination);
                ResizeRows.Write(box, Source(sources[1], planeOffset - offset), destination, _width, _plane, offset, count);
                return;
            case OpKind.Mosaic:
                throw new InvalidOperationException($"Sample {sample}'s mosaic is written by source (MixPlaneUnit), not by segment.");
            default:
                T* partner = sources.Length > 1 ? Source(sources[1], planeOffset) : self;
                MixPair(in op, _masks + op.MaskOffset, self, partner, destination, offset, count);
                return;
        }
    }

    private T* Source(int sample, long planeOffset) => _source + (((long)sample * _sampleSize) + planeOffset);
}
