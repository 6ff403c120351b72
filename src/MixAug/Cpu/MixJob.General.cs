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
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void MixGeneralSegment(int sample, int channel, int segment)
    {
        int offset = segment * _segmentLength;
        int count = Math.Min(_segmentLength, _plane - offset);
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
                    CopyRows(tile.Top, tile.Left, tile.Bottom, tile.Right, offset, count, Source(sources[tile.Slot], planeOffset), destination);
                }

                return;
            case OpKind.Resize:
                var box = (ResizeRegion)_plan.Regions[sample];
                if (_stream)
                {
                    ResizeRows.WriteStreamed(box, (float*)Source(sources[1], planeOffset - offset), (float*)self, (float*)destination, _width, _plane, offset, count);
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
