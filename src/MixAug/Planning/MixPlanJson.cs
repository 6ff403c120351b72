using System.Buffers;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MixAug.Masks;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Planning;

/// <summary>
/// The stable JSON form of a <see cref="MixPlan"/>, for logs, bug reports and replay: the plan's recipe, not its
/// pixels (a 128-sample FMix plan at 224×224 is about 20 KB). Properties come in a fixed order and numbers are written
/// in the shortest form that round-trips, so equal plans give equal text, and <see cref="Parse"/> of that text gives back
/// a plan that applies to the same bits.
/// </summary>
/// <remarks>
/// Layout (format <c>mixaug-plan/2</c>):
/// <code>
/// {"format":"mixaug-plan/2","transform":"FMix","pairing":"Flip","mode":"Element","batch":4,"spatial":[32,32],
///  "noises":[{"seed":123,"decay":3,"spectrum":"paper"}],
///  "saliency":[{"source":"...","grid":[64,64],"maps":[[2,"base64 float32 LE"]]}],
///  "masks":[[1,0,...]],
///  "samples":[{"partner":3,"lambda":0.75,"region":"box","box":[8,8,24,24]},
///             {"partner":2,"lambda":0.5,"region":"blend"},
///             {"partner":1,"lambda":0.25,"region":"fourier","noise":0,"own":256,"soft":0},
///             {"sources":[3,0,1],"weights":[0.5,0.25,0.25],"region":"tiles","tiles":[[1,0,0,16,16],[2,16,16,32,32]]}]}
/// </code>
/// <para>A plan with valid lengths (<see cref="MixPlan.ValidLengths"/>) writes them after the spatial extent,
/// <c>"validLengths":[1000,734,...]</c>, one per sample, then <c>"blendLengths":"zeropadded"</c> when its blends are
/// zero-padded (<see cref="BlendLengths"/>); the output lengths are derived from them on reading.</para>
/// <para>Boxes are <c>[top, left, bottom, right]</c>, half-open, with <c>"frames":[first, end]</c> after a clip's box that
/// covers only those frames (absent for a box on every frame); tiles <c>[slot, top, left, bottom, right]</c>; a
/// mosaic <c>"centre":[row, column],"tile":[height, width],"slots":[top-left, top-right, bottom-left, bottom-right]</c>. A sample
/// with two sources is written as its partner and its own weight; others list their sources and weights. Noise images
/// and explicit masks shared by several samples are written once. A saliency mask (<c>"region":"saliency"</c>,
/// <c>"map"</c>, <c>"own"</c>) refers to one map of a saliency entry, whose grids are stored for the maps samples refer
/// to only (others replay as zeros; the plan never reads them). A noise drawn over the first m positions (frames) along
/// time only, as FMix with valid lengths draws them, has <c>"length":m</c> after its spectrum; a resized partner read
/// over its first positions only (ResizeMix on sequences with valid lengths) has <c>"partnerLength":n</c> after its box.</para>
/// </remarks>
/// <threadsafety>Stateless; safe to call from several threads.</threadsafety>
public static class MixPlanJson
{
    /// <summary>The format tag written to and required from every document.</summary>
    public const string Format = "mixaug-plan/2";

    /// <summary>Writes <paramref name="plan"/> in the stable JSON form.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>Compact JSON text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    public static string Serialize(MixPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            new Writer(plan, writer).Write();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The SHA-256 of the UTF-8 JSON form, as lower-case hex: a short fingerprint for golden tests and logs.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>64 hexadecimal characters.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/> is null.</exception>
    public static string Fingerprint(MixPlan plan) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(plan))));

    /// <summary>Reads a plan written by <see cref="Serialize"/> and validates it as <see cref="MixPlan"/>'s constructors do.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">The text is not JSON, not of format <c>mixaug-plan/2</c>, or a field is missing,
    /// of the wrong type, or out of range.</exception>
    /// <exception cref="ArgumentException">The plan it describes is invalid (see <see cref="MixPlan"/>).</exception>
    public static MixPlan Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            return new Reader(document.RootElement).Read();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or OverflowException)
        {
            throw new FormatException($"Not a valid {Format} document: {e.Message}", e);
        }
        catch (ArgumentException e)
        {
            // A well-formed document of an invalid plan: the plan's complaint, about the caller's text.
            throw Internal.Guard.Rename(e, nameof(json));
        }
    }

    private static string Name<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static T ParseName<T>(string? text, string what)
        where T : struct, Enum
    {
        // Exact names only: Enum.TryParse would also take numbers and comma-separated lists.
        foreach (T value in Enum.GetValues<T>())
        {
            if (text is not null && text.All(char.IsLetter) && string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new FormatException($"Unknown {what} '{text}'.");
    }

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
            if (region.EndFrame is int end)
            {
                writer.WriteStartArray("frames");
                writer.WriteNumberValue(region.FirstFrame);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
            }

            return true;
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
            return true;
        }

        public bool VisitSoftBox(SoftBoxRegion region)
        {
            WriteBox(region.Top, region.Left, region.Bottom, region.Right);
            writer.WriteNumber("sigma", region.Sigma);
            return true;
        }

        public bool VisitResize(ResizeRegion region)
        {
            WriteBox(region.Top, region.Left, region.Bottom, region.Right);
            if (region.PartnerLength is int length)
            {
                writer.WriteNumber("partnerLength", length);
            }

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

    /// <summary>Reads one document into a plan.</summary>
    private sealed class Reader(JsonElement root)
    {
        private SpatialShape _spatial;
        private int _batch;

        public MixPlan Read()
        {
            string format = Text(root, "format");
            if (format != Format)
            {
                throw new FormatException($"Expected format '{Format}' but found '{format}'.");
            }

            _batch = root.GetProperty("batch").GetInt32();
            if (_batch < 1)
            {
                throw new FormatException($"The batch size is {_batch}; it must be at least 1.");
            }

            int[] dims = [.. root.GetProperty("spatial").EnumerateArray().Select(e => e.GetInt32())];
            try
            {
                _spatial = SpatialShape.FromDimensions(dims);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Bad spatial shape [{string.Join(", ", dims)}]: {e.Message}", e);
            }

            FourierNoise[] noises = Optional("noises", ReadNoise);
            SaliencyMaps[] saliency = Optional("saliency", ReadSaliency);
            MaskRegion[] masks = Optional("masks", m => new MaskRegion([.. m.EnumerateArray().Select(e => e.GetSingle())]));
            JsonElement[] samples = [.. root.GetProperty("samples").EnumerateArray()];
            if (samples.Length != _batch)
            {
                throw new FormatException($"The document lists {samples.Length} samples for a batch of {_batch}.");
            }

            var recipes = new SampleRecipe[samples.Length];
            for (int i = 0; i < samples.Length; i++)
            {
                JsonElement s = samples[i];
                int[] sources;
                double[] weights;
                if (s.TryGetProperty("partner", out JsonElement partner))
                {
                    double lambda = s.GetProperty("lambda").GetDouble();
                    sources = [i, partner.GetInt32()];
                    weights = [lambda, 1.0 - lambda];
                }
                else
                {
                    sources = [.. s.GetProperty("sources").EnumerateArray().Select(e => e.GetInt32())];
                    weights = [.. s.GetProperty("weights").EnumerateArray().Select(e => e.GetDouble())];
                }

                if (sources.Length == 0 || sources.Length != weights.Length)
                {
                    throw new FormatException($"Sample {i} has {sources.Length} sources and {weights.Length} weights.");
                }

                recipes[i] = new SampleRecipe(sources, weights, ReadRegion(s, i, noises, saliency, masks));
            }

            var plan = new MixPlan(
                _spatial,
                recipes,
                Text(root, "transform"),
                ParseName<PairingStrategy>(Text(root, "pairing"), "pairing"),
                ParseName<LambdaMode>(Text(root, "mode"), "mode"));
            BlendLengths blendLengths = root.TryGetProperty("blendLengths", out JsonElement rule)
                ? ParseName<BlendLengths>(rule.GetString(), "blendLengths")
                : BlendLengths.Shorter;
            return root.TryGetProperty("validLengths", out JsonElement lengths)
                ? plan.WithValidLengths([.. lengths.EnumerateArray().Select(e => e.GetInt32())], blendLengths)
                : plan;
        }

        private static string Text(JsonElement element, string name) =>
            element.GetProperty(name).GetString() ?? throw new FormatException($"'{name}' is null.");

        private static int Index(JsonElement sample, string name, int count, int i)
        {
            int index = sample.GetProperty(name).GetInt32();
            return (uint)index < (uint)count
                ? index
                : throw new FormatException($"Sample {i} refers to {name} {index}, but the document has {count}.");
        }

        private static BoxRegion ReadBox(JsonElement box)
        {
            int[] c = [.. box.EnumerateArray().Select(e => e.GetInt32())];
            if (c.Length != 4)
            {
                throw new FormatException($"A box needs 4 coordinates [top, left, bottom, right]; found {c.Length}.");
            }

            return new BoxRegion(c[0], c[1], c[2], c[3]);
        }

        private static BoxRegion ReadFrames(BoxRegion box, JsonElement frames)
        {
            int[] range = Ints(frames, 2, "A box's frame range needs [first, end]");
            return box.WithFrames(range[0], range[1]);
        }

        private SoftBoxRegion ReadSoftBox(JsonElement sample)
        {
            BoxRegion box = ReadBox(sample.GetProperty("box"));
            return new SoftBoxRegion(_spatial, box.Top, box.Left, box.Bottom, box.Right, sample.GetProperty("sigma").GetDouble());
        }

        private ResizeRegion ReadResize(JsonElement sample)
        {
            BoxRegion box = ReadBox(sample.GetProperty("box"));
            var region = new ResizeRegion(_spatial, box.Top, box.Left, box.Bottom, box.Right);
            return sample.TryGetProperty("partnerLength", out JsonElement length) ? region.WithPartnerLength(length.GetInt32()) : region;
        }

        private MosaicRegion ReadMosaic(JsonElement sample)
        {
            int[] centre = Ints(sample.GetProperty("centre"), 2, "A mosaic centre needs [row, column]");
            int[] tile = Ints(sample.GetProperty("tile"), 2, "A mosaic tile needs [height, width]");
            int[] slots = Ints(sample.GetProperty("slots"), MosaicRegion.Quadrants, "A mosaic needs a slot per quadrant");
            return new MosaicRegion(_spatial, centre[0], centre[1], tile[0], tile[1], slots);
        }

        private static int[] Ints(JsonElement array, int count, string what)
        {
            int[] values = [.. array.EnumerateArray().Select(e => e.GetInt32())];
            return values.Length == count ? values : throw new FormatException($"{what}: {count} integers; found {values.Length}.");
        }

        private static TileRegion ReadTiles(JsonElement tiles) => new([.. tiles.EnumerateArray().Select(t =>
        {
            int[] c = [.. t.EnumerateArray().Select(e => e.GetInt32())];
            return c.Length == 5
                ? new Tile(c[0], c[1], c[2], c[3], c[4])
                : throw new FormatException($"A tile needs 5 numbers [slot, top, left, bottom, right]; found {c.Length}.");
        })]);

        private T[] Optional<T>(string name, Func<JsonElement, T> read) =>
            root.TryGetProperty(name, out JsonElement array) ? [.. array.EnumerateArray().Select(read)] : [];

        private MixRegion ReadRegion(JsonElement s, int i, FourierNoise[] noises, SaliencyMaps[] saliency, MaskRegion[] masks)
        {
            string kind = Text(s, "region");
            return kind switch
            {
                "keep" => MixRegion.Keep,
                "blend" => MixRegion.Blend,
                "box" => s.TryGetProperty("frames", out JsonElement frames) ? ReadFrames(ReadBox(s.GetProperty("box")), frames) : ReadBox(s.GetProperty("box")),
                "mask" => masks[Index(s, "mask", masks.Length, i)],
                "fourier" => new FourierMaskRegion(noises[Index(s, "noise", noises.Length, i)], s.GetProperty("own").GetInt32(), s.GetProperty("soft").GetDouble()),
                "saliency" => new SaliencyMaskRegion(saliency[Index(s, "saliency", saliency.Length, i)], Index(s, "map", _batch, i), s.GetProperty("own").GetInt32()),
                "tiles" => ReadTiles(s.GetProperty("tiles")),
                "softbox" => ReadSoftBox(s),
                "resize" => ReadResize(s),
                "mosaic" => ReadMosaic(s),
                _ => throw new FormatException($"Sample {i} has unknown region kind '{kind}'."),
            };
        }

        private FourierNoise ReadNoise(JsonElement noise) => new(
            noise.TryGetProperty("length", out JsonElement length) ? NoiseExtent(length.GetInt32()) : _spatial,
            noise.GetProperty("decay").GetDouble(),
            noise.GetProperty("seed").GetUInt64(),
            ParseName<FourierSpectrum>(Text(noise, "spectrum"), "spectrum"));

        /// <summary>The extent of a noise over the first <paramref name="length"/> positions along time.</summary>
        private SpatialShape NoiseExtent(int length)
        {
            int extent = TimeAxis.Extent(_spatial);
            return length >= 1 && length <= extent
                ? TimeAxis.Crop(_spatial, length)
                : throw new FormatException(extent == 0
                    ? $"A noise has length {length}, but a {_spatial} image plane has no time axis."
                    : $"A noise has length {length}; it must lie in [1, {extent}] for a time extent of {extent}.");
        }

        private SaliencyMaps ReadSaliency(JsonElement entry)
        {
            int[] grid = [.. entry.GetProperty("grid").EnumerateArray().Select(e => e.GetInt32())];
            if (grid.Length != 2 || grid[0] < 1 || grid[1] < 1 || (long)grid[0] * grid[1] * _batch > int.MaxValue / 4)
            {
                throw new FormatException($"A saliency grid needs two positive extents whose cells fit memory; found [{string.Join(", ", grid)}].");
            }

            int cells = grid[0] * grid[1];
            var grids = new float[cells * _batch];
            foreach (JsonElement map in entry.GetProperty("maps").EnumerateArray())
            {
                JsonElement[] pair = [.. map.EnumerateArray()];
                if (pair.Length != 2)
                {
                    throw new FormatException("A saliency map entry needs [index, base64 grid].");
                }

                int index = pair[0].GetInt32();
                byte[] bytes = pair[1].GetBytesFromBase64();
                if ((uint)index >= (uint)_batch || bytes.Length != cells * sizeof(float))
                {
                    throw new FormatException($"Saliency map {index} has {bytes.Length} bytes; a {grid[0]}x{grid[1]} grid of a batch of {_batch} needs an index below {_batch} and {cells * sizeof(float)} bytes.");
                }

                MemoryMarshal.Cast<byte, float>(bytes).CopyTo(grids.AsSpan(index * cells, cells));
            }

            var source = new RecordedSaliencySource(Text(entry, "source"), grid[0], grid[1]);
            try
            {
                return SaliencyMaps.FromGrids(source, _spatial, grid[0], grid[1], grids);
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"Bad saliency entry: {e.Message}", e);
            }
        }
    }

    /// <summary>The source of saliency maps read back from JSON: it names the original source and computes nothing.</summary>
    private sealed class RecordedSaliencySource(string description, int gridHeight, int gridWidth) : ISaliencySource
    {
        public (int Height, int Width) GridSize(SpatialShape spatial) => (gridHeight, gridWidth);

        public void ComputeGrid(BatchShape shape, ReadOnlySpan<float> sample, Span<float> grid) =>
            throw new InvalidOperationException($"Saliency replayed from a plan's JSON ({description}) holds recorded grids only; it cannot compute new ones.");

        public override bool Equals(object? obj) => obj is RecordedSaliencySource other && other.ToString() == ToString();

        public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);

        public override string ToString() => description;
    }
}
