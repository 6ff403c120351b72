using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

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
public static partial class MixPlanJson
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
}
