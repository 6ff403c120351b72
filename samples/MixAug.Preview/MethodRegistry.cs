using System.Globalization;
using MixAug.Planning;
using MixAug.Transforms;

namespace MixAug.Preview;

/// <summary>
/// The methods the preview knows, by --method name. Adding a method is one entry: its name, the options it takes, a
/// factory from (options, batch, random) to a plan, and a one-line description.
/// </summary>
internal static class MethodRegistry
{
    public static IReadOnlyList<PreviewMethod> All { get; } =
    [
        new("mixup", [], (o, b, r) => MixUp(o).CreatePlan(b.Shape, r), o => Describe(MixUp(o))),
        new("cutmix", ["--min-ratio", "--max-ratio"], (o, b, r) => CutMix(o).CreatePlan(b.Shape, r), o => Describe(CutMix(o))),

        // FMix and SaliencyMix are being added on another branch. When they land, replace these two entries with,
        // for example: new("fmix", ["--decay-power", "--max-soft"], (o, b, r) => new FMix(...).CreatePlan(b.Shape, r), ...),
        // and for SaliencyMix a factory that reads b.Pixels.
        new("fmix", ["--decay-power", "--max-soft"], null, _ => "fmix", "FMix is not available in this build (it is being added on another branch)"),
        new("saliencymix", [], null, _ => "saliencymix", "SaliencyMix is not available in this build (it is being added on another branch)"),
    ];

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    /// <summary>The methods named by --method ("all" = every available one), after checking the method-specific options.</summary>
    public static IReadOnlyList<PreviewMethod> Resolve(PreviewOptions options)
    {
        PreviewMethod[] methods;
        if (options.Method == "all")
        {
            methods = All.Where(m => m.IsAvailable).ToArray();
        }
        else
        {
            PreviewMethod method = All.FirstOrDefault(m => m.Name == options.Method)
                ?? throw new UsageException($"Unknown method '{options.Method}'; choose one of {string.Join(", ", Names)} or all.");
            if (!method.IsAvailable)
            {
                throw new UsageException(
                    $"--method {method.Name}: {method.Unavailable}. Available: {string.Join(", ", All.Where(m => m.IsAvailable).Select(m => m.Name))}.");
            }

            methods = [method];
        }

        string[] specific = All.SelectMany(m => m.Options).Distinct().ToArray();
        foreach (string option in specific.Where(options.Given.Contains))
        {
            if (!methods.Any(m => m.Options.Contains(option)))
            {
                string owners = string.Join(", ", All.Where(m => m.Options.Contains(option)).Select(m => m.Name));
                throw new UsageException($"{option} applies to {owners} only, not to --method {options.Method}.");
            }
        }

        // Build each transform once so a bad parameter is reported before any image is loaded.
        foreach (PreviewMethod method in methods)
        {
            try
            {
                method.Describe(options);
            }
            catch (ArgumentException e)
            {
                throw new UsageException($"--method {method.Name}: {e.Message}");
            }
        }

        return methods;
    }

    private static MixUp MixUp(PreviewOptions o) => new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode, o.Pairing);

    private static CutMix CutMix(PreviewOptions o) =>
        new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode, o.Pairing, correctLambda: true, minRatio: o.MinRatio, maxRatio: o.MaxRatio);

    private static string Describe(MixTransform t)
    {
        string mode = t.Mode switch { LambdaMode.Batch => "batch", LambdaMode.Pair => "pair", _ => "elem" };
        string pairing = t.Pairing switch { PairingStrategy.Roll => "roll", PairingStrategy.Permutation => "perm", _ => "flip" };
        string extra = t switch
        {
            CutMix { MinRatio: double min, MaxRatio: double max } => F($"ratio [{min}, {max}]"),
            CutMix c => F($"alpha {c.Alpha}"),
            MixUp m => F($"alpha {m.Alpha}"),
            _ => string.Empty,
        };
        return F($"{t.Name.ToLowerInvariant()}  {extra}  p {t.Probability}  {mode}  {pairing}");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
