using System.Globalization;
using MixAug.Masks;
using MixAug.Planning;

namespace MixAug.Preview;

/// <summary>Turns the command line into <see cref="PreviewOptions"/>; every mistake is a <see cref="UsageException"/> naming the option and the value.</summary>
internal static class OptionParser
{
    public const int MinSize = 16;
    public const int MaxSize = 1024;
    public const int MaxCount = 64;

    public static string Usage => $"""
        MixAug preview: draws contact sheets of mixed samples (and, with --html, a static gallery).

        Usage: dotnet run --project samples/MixAug.Preview -- [options]

          --images DIR          folder of PNG/JPEG images (default: the sample images shipped with the app)
          --method NAME         {string.Join("|", MethodRegistry.Names)}|all, or a comma-separated list (default: all)
          --alpha A             Beta(A, A) concentration, > 0 (mixup, cutmix; default 1)
          --probability P       chance each group is mixed, in [0, 1] (default 1)
          --min-ratio R         cutmix: smallest box side as a share of the image side, in (0, 1]
          --max-ratio R         cutmix: largest box side share, in (0, 1]; give both or neither
          --decay-power D       fmix: spectrum decay power, > 0
          --max-soft S          fmix: softening of the mask edge, in [0, 0.5]
          --spectrum S          fmix: paper (default) or reference (the reference code's masks, one cycle across)
          --mode MODE           batch|pair|elem: one lambda per batch, per pair or per sample (default elem)
          --pairing P           flip|roll|perm (default flip)
          --seed N              unsigned 64-bit seed (default 42); same seed, same picture
          --size S              side of the square samples, {MinSize}..{MaxSize} (default 128)
          --count N             number of tiles, 1..{MaxCount} (default: one per image; images repeat if fewer)
          --out FILE.png        contact sheet to write (default preview.png)
          --html DIR            also write a static HTML gallery (index.html and PNGs) into DIR
          --help                print this text

        Exit codes: 0 success, 1 no usable image or an output error, 2 bad arguments.
        """;

    public static PreviewOptions Parse(IReadOnlyList<string> args)
    {
        var options = new PreviewOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                options.Help = true;
                continue;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"Unexpected argument '{arg}'; options start with --. Run with --help for the list.");
            }

            string name = arg;
            string? value = null;
            int eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[..eq];
                value = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }

            if (value is null)
            {
                throw new UsageException($"Option {name} needs a value. Run with --help for the list.");
            }

            if (!options.Given.Add(name))
            {
                throw new UsageException($"Option {name} is given twice.");
            }

            Apply(options, name, value);
        }

        return options;
    }

    private static void Apply(PreviewOptions o, string name, string value)
    {
        switch (name)
        {
            case "--images": o.Images = NonEmpty(name, value); break;
            case "--method": o.Method = value.ToLowerInvariant(); break;
            case "--alpha": o.Alpha = Number(name, value); break;
            case "--probability": o.Probability = Number(name, value); break;
            case "--min-ratio": o.MinRatio = Number(name, value); break;
            case "--max-ratio": o.MaxRatio = Number(name, value); break;
            case "--decay-power": o.DecayPower = Number(name, value); break;
            case "--max-soft": o.MaxSoft = Number(name, value); break;
            case "--spectrum":
                o.Spectrum = value.ToLowerInvariant() switch
                {
                    "paper" => FourierSpectrum.Paper,
                    "reference" => FourierSpectrum.Reference,
                    _ => throw new UsageException($"--spectrum must be paper or reference; it was '{value}'."),
                };
                break;
            case "--mode":
                o.Mode = value.ToLowerInvariant() switch
                {
                    "batch" => LambdaMode.Batch,
                    "pair" => LambdaMode.Pair,
                    "elem" or "element" => LambdaMode.Element,
                    _ => throw new UsageException($"--mode must be batch, pair or elem; it was '{value}'."),
                };
                break;
            case "--pairing":
                o.Pairing = value.ToLowerInvariant() switch
                {
                    "flip" => PairingStrategy.Flip,
                    "roll" => PairingStrategy.Roll,
                    "perm" or "permutation" => PairingStrategy.Permutation,
                    _ => throw new UsageException($"--pairing must be flip, roll or perm; it was '{value}'."),
                };
                break;
            case "--seed":
                o.Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed)
                    ? seed
                    : throw new UsageException($"--seed must be an unsigned 64-bit integer; it was '{value}'.");
                break;
            case "--size": o.Size = Integer(name, value, MinSize, MaxSize); break;
            case "--count": o.Count = Integer(name, value, 1, MaxCount); break;
            case "--out":
                o.Out = NonEmpty(name, value);
                if (!o.Out.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
                {
                    throw new UsageException($"--out must name a .png file; it was '{value}'.");
                }

                break;
            case "--html": o.Html = NonEmpty(name, value); break;
            default:
                throw new UsageException($"Unknown option '{name}'. Run with --help for the list.");
        }
    }

    private static string NonEmpty(string name, string value) =>
        string.IsNullOrWhiteSpace(value) ? throw new UsageException($"{name} needs a non-empty value.") : value;

    private static double Number(string name, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)
            ? d
            : throw new UsageException($"{name} must be a finite number such as 0.8; it was '{value}'.");

    private static int Integer(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{name} must be an integer in [{min}, {max}]; it was '{value}'.");
}
