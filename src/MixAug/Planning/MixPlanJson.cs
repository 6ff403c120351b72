using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace MixAug.Planning;

/// <summary>
/// The stable JSON form of a <see cref="MixPlan"/>, for logs, bug reports and replay. Properties come in a fixed
/// order and numbers are written in the shortest form that round-trips, so equal plans give equal text, and
/// <see cref="Parse"/> of that text gives back a plan that applies to the same bits.
/// </summary>
/// <remarks>
/// Layout (format <c>mixaug-plan/1</c>):
/// <code>
/// {"format":"mixaug-plan/1","transform":"CutMix","pairing":"Flip","mode":"Batch","shape":[4,3,32,32],
///  "masks":[[1,0,...]],
///  "samples":[{"partner":3,"lambda":0.75,"region":"box","box":[8,8,24,24]},
///             {"partner":2,"lambda":0.5,"region":"blend"},{"partner":1,"lambda":0.5,"region":"mask","mask":0},
///             {"partner":1,"lambda":1,"region":"keep"}]}
/// </code>
/// A box is <c>[top, left, bottom, right]</c>, half-open. Masks shared by several samples are written once.
/// </remarks>
public static class MixPlanJson
{
    /// <summary>The format tag written to and required from every document.</summary>
    public const string Format = "mixaug-plan/1";

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
            Write(plan, writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The SHA-256 of the UTF-8 JSON form, as lower-case hex: a short fingerprint for golden tests and logs.</summary>
    /// <param name="plan">The plan.</param>
    /// <returns>64 hexadecimal characters.</returns>
    public static string Fingerprint(MixPlan plan) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Serialize(plan))));

    /// <summary>Reads a plan written by <see cref="Serialize"/> and validates it as <see cref="MixPlan"/>'s constructor does.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The plan.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="FormatException">The text is not JSON, or not of format <c>mixaug-plan/1</c>, or a field is missing or of the wrong type.</exception>
    /// <exception cref="ArgumentException">The plan it describes is invalid (see <see cref="MixPlan"/>).</exception>
    public static MixPlan Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json);
            return Read(document.RootElement);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException)
        {
            throw new FormatException($"Not a valid {Format} document: {e.Message}", e);
        }
    }

    private static void Write(MixPlan plan, Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("format", Format);
        writer.WriteString("transform", plan.TransformName);
        writer.WriteString("pairing", plan.Pairing.ToString());
        writer.WriteString("mode", plan.Mode.ToString());
        writer.WriteStartArray("shape");
        foreach (int d in plan.Shape.ToDimensions())
        {
            writer.WriteNumberValue(d);
        }

        writer.WriteEndArray();

        var maskIndex = new Dictionary<MaskRegion, int>(ReferenceEqualityComparer.Instance);
        writer.WriteStartArray("masks");
        foreach (MixRegion region in plan.Regions)
        {
            if (region is MaskRegion mask && maskIndex.TryAdd(mask, maskIndex.Count))
            {
                writer.WriteStartArray();
                foreach (float w in mask.Weights)
                {
                    writer.WriteNumberValue(w);
                }

                writer.WriteEndArray();
            }
        }

        writer.WriteEndArray();
        writer.WriteStartArray("samples");
        for (int i = 0; i < plan.BatchSize; i++)
        {
            writer.WriteStartObject();
            writer.WriteNumber("partner", plan.Partners[i]);
            writer.WriteNumber("lambda", plan.Lambdas[i]);
            MixRegion region = plan.Regions[i];
            writer.WriteString("region", region.Kind.ToString().ToLowerInvariant());
            switch (region)
            {
                case BoxRegion box:
                    writer.WriteStartArray("box");
                    writer.WriteNumberValue(box.Top);
                    writer.WriteNumberValue(box.Left);
                    writer.WriteNumberValue(box.Bottom);
                    writer.WriteNumberValue(box.Right);
                    writer.WriteEndArray();
                    break;
                case MaskRegion mask:
                    writer.WriteNumber("mask", maskIndex[mask]);
                    break;
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static MixPlan Read(JsonElement root)
    {
        string format = root.GetProperty("format").GetString() ?? "";
        if (format != Format)
        {
            throw new FormatException($"Expected format '{Format}' but found '{format}'.");
        }

        int[] dims = root.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        BatchShape shape = BatchShape.FromDimensions(dims);
        var masks = root.GetProperty("masks").EnumerateArray()
            .Select(m => new MaskRegion(m.EnumerateArray().Select(e => e.GetSingle()).ToArray()))
            .ToArray();

        var samples = root.GetProperty("samples").EnumerateArray().ToArray();
        var partners = new int[samples.Length];
        var lambdas = new double[samples.Length];
        var regions = new MixRegion[samples.Length];
        for (int i = 0; i < samples.Length; i++)
        {
            JsonElement s = samples[i];
            partners[i] = s.GetProperty("partner").GetInt32();
            lambdas[i] = s.GetProperty("lambda").GetDouble();
            string kind = s.GetProperty("region").GetString() ?? "";
            regions[i] = kind switch
            {
                "keep" => MixRegion.Keep,
                "blend" => MixRegion.Blend,
                "box" => ReadBox(s.GetProperty("box")),
                "mask" => ReadMask(s.GetProperty("mask").GetInt32(), masks, i),
                _ => throw new FormatException($"Sample {i} has unknown region kind '{kind}'."),
            };
        }

        return new MixPlan(
            shape,
            partners,
            lambdas,
            regions,
            root.GetProperty("transform").GetString() ?? "Custom",
            ParseEnum<PairingStrategy>(root, "pairing"),
            ParseEnum<LambdaMode>(root, "mode"));
    }

    private static BoxRegion ReadBox(JsonElement box)
    {
        int[] c = box.EnumerateArray().Select(e => e.GetInt32()).ToArray();
        if (c.Length != 4)
        {
            throw new FormatException($"A box needs 4 coordinates [top, left, bottom, right]; found {c.Length}.");
        }

        return new BoxRegion(c[0], c[1], c[2], c[3]);
    }

    private static MaskRegion ReadMask(int index, MaskRegion[] masks, int sample) =>
        (uint)index < (uint)masks.Length
            ? masks[index]
            : throw new FormatException($"Sample {sample} refers to mask {index}, but the document has {masks.Length} masks.");

    private static T ParseEnum<T>(JsonElement root, string name)
        where T : struct, Enum
    {
        string text = root.GetProperty(name).GetString() ?? "";
        return Enum.TryParse(text, ignoreCase: false, out T value) && Enum.IsDefined(value)
            ? value
            : throw new FormatException($"Unknown {name} '{text}'.");
    }
}
