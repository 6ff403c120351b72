using System.Runtime.InteropServices;
using System.Text.Json;
using MixAug.Masks;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Planning;

/// <content>
/// The reader: a document back to a plan, checking the format, counts and references as it goes, and the saliency
/// source that stands for the recorded grids.
/// </content>
public static partial class MixPlanJson
{
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

        /// <summary>The region limited to the sample's <c>"frames":[first, end]</c> by <paramref name="withFrames"/> when the
        /// document gives one, else the region itself; <paramref name="what"/> names it in a format error.</summary>
        private static T ReadFrames<T>(T region, JsonElement sample, string what, Func<T, int, int, T> withFrames)
        {
            if (!sample.TryGetProperty("frames", out JsonElement frames))
            {
                return region;
            }

            int[] range = Ints(frames, 2, $"{what}'s frame range needs [first, end]");
            return withFrames(region, range[0], range[1]);
        }

        private SoftBoxRegion ReadSoftBox(JsonElement sample)
        {
            BoxRegion box = ReadBox(sample.GetProperty("box"));
            var region = ReadFrames(
                new SoftBoxRegion(_spatial, box.Top, box.Left, box.Bottom, box.Right, sample.GetProperty("sigma").GetDouble()), sample, "A soft box", (r, first, end) => r.WithFrames(first, end));

            return sample.TryGetProperty("reach", out JsonElement reach) ? region.WithReach(reach.GetInt32()) : region;
        }

        private ResizeRegion ReadResize(JsonElement sample)
        {
            BoxRegion box = ReadBox(sample.GetProperty("box"));
            ResizeRegion region = ReadFrames(new ResizeRegion(_spatial, box.Top, box.Left, box.Bottom, box.Right), sample, "A resize box", (r, first, end) => r.WithFrames(first, end));

            if (sample.TryGetProperty("partnerBox", out JsonElement partnerBox))
            {
                int[] c = Ints(partnerBox, 4, "A partner box needs [top, left, bottom, right]");
                region = region.WithPartnerBox(c[0], c[1], c[2], c[3]);
            }

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
                "box" => ReadFrames(ReadBox(s.GetProperty("box")), s, "A box", (box, first, end) => box.WithFrames(first, end)),
                "mask" => masks[Index(s, "mask", masks.Length, i)],
                "fourier" => new FourierMaskRegion(noises[Index(s, "noise", noises.Length, i)], s.GetProperty("own").GetInt32(), s.GetProperty("soft").GetDouble()),
                "saliency" => new SaliencyMaskRegion(saliency[Index(s, "saliency", saliency.Length, i)], Index(s, "map", _batch, i), s.GetProperty("own").GetInt32()),
                "tiles" => ReadFrames(ReadTiles(s.GetProperty("tiles")), s, "A tiling", (tiles, first, end) => tiles.WithFrames(first, end)),
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
