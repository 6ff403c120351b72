using System.Runtime.InteropServices;
using System.Text.Json;
using MixAug.Masks;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Planning;

/// <content>The writer: a plan to the JSON layout described on <see cref="MixPlanJson"/>, and the region kinds' names.</content>
public static partial class MixPlanJson
{
    /// <summary>Writes one plan; shared recipes (noises, explicit masks, saliency maps) are numbered in order of first use.</summary>
    private sealed class Writer(MixPlan plan, Utf8JsonWriter writer) : IMixRegionVisitor<bool>
    {
        private readonly Dictionary<FourierNoise, int> _noises = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<MaskRegion, int> _masks = new(ReferenceEqualityComparer.Instance);
        private readonly Dictionary<SaliencyMaps, (int Index, SortedSet<int> Maps)> _saliency = new(ReferenceEqualityComparer.Instance);

        public void Write()
        {
            foreach (MixRegion region in plan.Regions)
            {
                switch (region)
                {
                    case FourierMaskRegion fourier:
                        _noises.TryAdd(fourier.Noise, _noises.Count);
                        break;
                    case MaskRegion mask:
                        _masks.TryAdd(mask, _masks.Count);
                        break;
                    case SaliencyMaskRegion saliency:
                        if (!_saliency.TryGetValue(saliency.Maps, out var entry))
                        {
                            _saliency[saliency.Maps] = entry = (_saliency.Count, []);
                        }

                        entry.Maps.Add(saliency.MapIndex);
                        break;
                }
            }

            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteString("transform", plan.TransformName);
            writer.WriteString("pairing", plan.Pairing.ToString());
            writer.WriteString("mode", plan.Mode.ToString());
            writer.WriteNumber("batch", plan.BatchSize);
            writer.WriteStartArray("spatial");
            foreach (int d in plan.Spatial.ToDimensions())
            {
                writer.WriteNumberValue(d);
            }

            writer.WriteEndArray();
            if (plan.HasValidLengths)
            {
                writer.WriteStartArray("validLengths");
                foreach (int length in plan.ValidLengths)
                {
                    writer.WriteNumberValue(length);
                }

                writer.WriteEndArray();
                if (plan.BlendLengths != BlendLengths.Shorter)
                {
                    writer.WriteString("blendLengths", Name(plan.BlendLengths));
                }
            }

            WriteNoises();
            WriteSaliency();
            WriteMasks();
            writer.WriteStartArray("samples");
            for (int i = 0; i < plan.BatchSize; i++)
            {
                WriteSample(i);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        public bool VisitKeep(KeepRegion region) => true;

        public bool VisitBlend(BlendRegion region) => true;

        public bool VisitBox(BoxRegion region)
        {
            WriteBox(region.Top, region.Left, region.Bottom, region.Right);
            WriteFrames(region.FirstFrame, region.EndFrame);
            return true;
        }

        /// <summary>A box's or a tiling's frame range, <c>"frames":[first, end]</c>; nothing when it covers every frame.</summary>
        private void WriteFrames(int first, int? end)
        {
            if (end is int last)
            {
                writer.WriteStartArray("frames");
                writer.WriteNumberValue(first);
                writer.WriteNumberValue(last);
                writer.WriteEndArray();
            }
        }

        public bool VisitMask(MaskRegion region)
        {
            writer.WriteNumber("mask", _masks[region]);
            return true;
        }

        public bool VisitFourierMask(FourierMaskRegion region)
        {
            writer.WriteNumber("noise", _noises[region.Noise]);
            writer.WriteNumber("own", region.OwnCount);
            writer.WriteNumber("soft", region.MaxSoft);
            return true;
        }

        public bool VisitSaliencyMask(SaliencyMaskRegion region)
        {
            writer.WriteNumber("saliency", _saliency[region.Maps].Index);
            writer.WriteNumber("map", region.MapIndex);
            writer.WriteNumber("own", region.OwnCount);
            return true;
        }

        public bool VisitTiles(TileRegion region)
        {
            writer.WriteStartArray("tiles");
            foreach (Tile tile in region.Tiles)
            {
                writer.WriteStartArray();
                writer.WriteNumberValue(tile.Slot);
                writer.WriteNumberValue(tile.Top);
                writer.WriteNumberValue(tile.Left);
                writer.WriteNumberValue(tile.Bottom);
                writer.WriteNumberValue(tile.Right);
                writer.WriteEndArray();
            }

            writer.WriteEndArray();
            WriteFrames(region.FirstFrame, region.EndFrame);
            return true;
        }

        public bool VisitSoftBox(SoftBoxRegion region)
        {
            WriteBox(region.Top, region.Left, region.Bottom, region.Right);
            writer.WriteNumber("sigma", region.Sigma);
            if (region.Reach is int reach)
            {
                writer.WriteNumber("reach", reach);
            }

            WriteFrames(region.FirstFrame, region.EndFrame);
            return true;
        }

        public bool VisitResize(ResizeRegion region)
        {
            WriteBox(region.Top, region.Left, region.Bottom, region.Right);
            if (region.PartnerLength is int length)
            {
                writer.WriteNumber("partnerLength", length);
            }

            if (region.HasPartnerBox)
            {
                writer.WriteStartArray("partnerBox");
                writer.WriteNumberValue(region.PartnerTop);
                writer.WriteNumberValue(region.PartnerLeft);
                writer.WriteNumberValue(region.PartnerBottom);
                writer.WriteNumberValue(region.PartnerRight);
                writer.WriteEndArray();
            }

            WriteFrames(region.FirstFrame, region.EndFrame);
            return true;
        }

        public bool VisitMosaic(MosaicRegion region)
        {
            writer.WriteStartArray("centre");
            writer.WriteNumberValue(region.CentreY);
            writer.WriteNumberValue(region.CentreX);
            writer.WriteEndArray();
            writer.WriteStartArray("tile");
            writer.WriteNumberValue(region.TileHeight);
            writer.WriteNumberValue(region.TileWidth);
            writer.WriteEndArray();
            writer.WriteStartArray("slots");
            foreach (int slot in region.Slots)
            {
                writer.WriteNumberValue(slot);
            }

            writer.WriteEndArray();
            return true;
        }

        /// <summary>The "box" array of a box, a soft box or a resized partner, the form <see cref="Reader"/> reads back
        /// with one ReadBox.</summary>
        private void WriteBox(int top, int left, int bottom, int right)
        {
            writer.WriteStartArray("box");
            writer.WriteNumberValue(top);
            writer.WriteNumberValue(left);
            writer.WriteNumberValue(bottom);
            writer.WriteNumberValue(right);
            writer.WriteEndArray();
        }

        private void WriteSample(int i)
        {
            writer.WriteStartObject();
            ReadOnlySpan<int> sources = plan.Sources(i);
            ReadOnlySpan<double> weights = plan.Weights(i);
            if (sources.Length == 2)
            {
                writer.WriteNumber("partner", sources[1]);
                writer.WriteNumber("lambda", weights[0]);
            }
            else
            {
                writer.WriteStartArray("sources");
                foreach (int s in sources)
                {
                    writer.WriteNumberValue(s);
                }

                writer.WriteEndArray();
                writer.WriteStartArray("weights");
                foreach (double w in weights)
                {
                    writer.WriteNumberValue(w);
                }

                writer.WriteEndArray();
            }

            MixRegion region = plan.Regions[i];
            writer.WriteString("region", KindName(region.Kind));
            region.Accept(this);
            writer.WriteEndObject();
        }

        private void WriteNoises()
        {
            if (_noises.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("noises");
            foreach (FourierNoise noise in _noises.OrderBy(p => p.Value).Select(p => p.Key))
            {
                writer.WriteStartObject();
                writer.WriteNumber("seed", noise.Seed);
                writer.WriteNumber("decay", noise.DecayPower);
                writer.WriteString("spectrum", Name(noise.Spectrum));
                if (noise.Spatial != plan.Spatial)
                {
                    writer.WriteNumber("length", TimeAxis.Extent(noise.Spatial)); // a mask over the first positions along time
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        private void WriteSaliency()
        {
            if (_saliency.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("saliency");
            foreach ((SaliencyMaps maps, (int _, SortedSet<int> used)) in _saliency.OrderBy(p => p.Value.Index))
            {
                writer.WriteStartObject();
                writer.WriteString("source", maps.Source.ToString());
                writer.WriteStartArray("grid");
                writer.WriteNumberValue(maps.GridHeight);
                writer.WriteNumberValue(maps.GridWidth);
                writer.WriteEndArray();
                writer.WriteStartArray("maps");
                foreach (int index in used)
                {
                    writer.WriteStartArray();
                    writer.WriteNumberValue(index);
                    writer.WriteBase64StringValue(MemoryMarshal.AsBytes(maps.Grid(index)));
                    writer.WriteEndArray();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        private void WriteMasks()
        {
            if (_masks.Count == 0)
            {
                return;
            }

            writer.WriteStartArray("masks");
            foreach (MaskRegion mask in _masks.OrderBy(p => p.Value).Select(p => p.Key))
            {
                writer.WriteStartArray();
                foreach (float w in mask.Weights)
                {
                    writer.WriteNumberValue(w);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndArray();
        }
    }

    private static string KindName(MixRegionKind kind) => kind switch
    {
        MixRegionKind.FourierMask => "fourier",
        MixRegionKind.SaliencyMask => "saliency",
        _ => Name(kind),
    };
}
