using System.Globalization;
using MixAug.Cpu;
using MixAug.ImageSharp.Drawing;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Samples.CommandLine;
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

        // SnapMix's boxes: CutMix whose partner patch is a box of its own, resized into the sample's.
        new("snapmix", ["--min-ratio", "--max-ratio"], (o, b, r) => CutMix(o, PartnerPatch.OwnSize).CreatePlan(b.Shape, r), o => Describe(CutMix(o, PartnerPatch.OwnSize))),
        new("fmix", ["--decay-power", "--max-soft", "--spectrum"], (o, b, r) => FMix(o).CreatePlan(b.Shape, r), o => Describe(FMix(o))),

        // SaliencyMix centres each box on the partner's most salient pixel, so its plan needs the pixels; its default
        // (fine-grained) saliency is invariant to a gain and an offset, so bytes scaled to [0, 1] serve as well as any.
        new("saliencymix", [], (o, b, r) => SaliencyMix(o).CreatePlan(b.Shape, b.Pixels.Select(v => v / 255f).ToArray(), r), o => Describe(SaliencyMix(o))),
        new("gridmix", [], (o, b, r) => GridMix(o).CreatePlan(b.Shape, r), o => Describe(GridMix(o))),
        new("smoothmix", [], (o, b, r) => SmoothMix(o).CreatePlan(b.Shape, r), o => Describe(SmoothMix(o))),
        new("resizemix", ["--min-scale", "--max-scale"], (o, b, r) => ResizeMix(o).CreatePlan(b.Shape, r), o => Describe(ResizeMix(o))) { Without = ["--alpha"] },
        // GuidedMix pairs by saliency distance (its own pairing, no --pairing) and pastes as SaliencyMix does.
        new("guidedmix", [], (o, b, r) => GuidedMix(o).CreatePlan(b.Shape, b.Pixels.Select(v => v / 255f).ToArray(), r), o => Describe(GuidedMix(o))) { Without = ["--pairing"] },
        new("mosaic", [], (o, b, r) => Mosaic(o).CreatePlan(b.Shape, r), o => Describe(Mosaic(o))) { Without = ["--alpha", "--mode"] },
        new("multicutmix", ["--partners"], (o, b, r) => MultiCutMix(o).CreatePlan(new MixRequest(b.Shape, r)), o => Describe(MultiCutMix(o))) { Without = ["--mode", "--pairing"] },

        // Transplantation pastes the pixels of one class of the partner's label map: the --dense scenes' maps.
        new("transplantation", [], (o, b, r) => Transplantation(o).CreatePlan(new MixRequest(b.Shape, r, ClassMapsOf(b))), o => Describe(Transplantation(o)))
        {
            Without = ["--alpha", "--mode"],
            NeedsLabelMaps = true,
        },
    ];

    /// <summary>The options every method takes unless its entry says <see cref="PreviewMethod.Without"/>.</summary>
    private static readonly string[] CommonOptions = ["--alpha", "--probability", "--mode", "--pairing"];

    public static IEnumerable<string> Names => All.Select(m => m.Name);

    /// <summary>What the words of a sheet's title (<see cref="Describe"/>) mean, for the legend.</summary>
    public static IReadOnlyList<LegendEntry> TitleLegend { get; } =
    [
        new(LegendMark.None, "alpha A", "λ drawn from Beta(A, A) (SaliencyMix: beta)"),
        new(LegendMark.None, "p P", "the chance a sample is mixed at all"),
        new(LegendMark.None, "elem", "one λ per sample (pair: per pair; batch: one)"),
        new(LegendMark.None, "flip", "partner: the batch reversed (roll: shifted; perm: shuffled)"),
        new(LegendMark.None, "ratio [A, B]", "CutMix box sides from A to B of the image's"),
        new(LegendMark.None, "asymmetric", "SnapMix's boxes: the partner's box, of a size (its own λ) and a place of its own, resized into the sample's"),
        new(LegendMark.None, "decay D", "FMix spectrum decay; soft S: soft edge share; reference: the reference code's spectrum"),
        new(LegendMark.None, "scale [A, B]", "ResizeMix box sides from A to B of the image's (no λ drawn: λ is the area outside)"),
        new(LegendMark.None, "guided", "GuidedMix: partners chained by saliency-map distance (farthest first), pasted as SaliencyMix"),
        new(LegendMark.None, "centre [A, B]", "Mosaic: the four tiles meet at a point drawn from A to B of each side (no λ drawn)"),
        new(LegendMark.None, "partners N", "MultiCutMix boxes per sample, each from its own partner (no mode, no pairing)"),
        new(LegendMark.None, "exclude [C]", "Transplantation: every pixel of one class of the partner's label map, never class C (the background); --dense only"),
        new(LegendMark.None, "seed N", "same seed, same images and mixes"),
    ];

    /// <summary>The transforms' parameter and enum names as the options that set them, for their argument errors.</summary>
    private static readonly ArgumentErrors Errors = new(new Dictionary<string, string>
    {
        ["alpha"] = "--alpha",
        ["beta"] = "--alpha",
        ["probability"] = "--probability",
        ["minRatio"] = "--min-ratio",
        ["maxRatio"] = "--max-ratio",
        ["decayPower"] = "--decay-power",
        ["maxSoft"] = "--max-soft",
        ["minScale"] = "--min-scale",
        ["maxScale"] = "--max-scale",
        ["null"] = "not given",
        ["LambdaMode.Pair"] = "--mode pair",
        ["Roll pairing"] = "--pairing roll",
        ["Use Flip or Permutation"] = "Use --pairing flip or perm",
    });

    private static PreviewMethod Find(string name) =>
        All.FirstOrDefault(m => m.Name == name)
            ?? throw new UsageException($"Unknown method '{name}'; choose one of {string.Join(", ", Names)}, a comma-separated list of them, or all.");

    /// <summary>The methods named by --method ("all" = every one), after checking the method-specific options.</summary>
    public static IReadOnlyList<PreviewMethod> Resolve(PreviewOptions options)
    {
        PreviewMethod[] methods;
        if (options.Method == "all")
        {
            // Photographs have no label maps: every method but those drawn from them.
            methods = [.. All.Where(m => options.Dense || !m.NeedsLabelMaps)];
        }
        else
        {
            // A comma-separated list draws several methods in the order given ("mixup,cutmix").
            methods = options.Method.Split(',', StringSplitOptions.TrimEntries).Select(Find).Distinct().ToArray();
            if (!options.Dense && methods.FirstOrDefault(m => m.NeedsLabelMaps) is { } needsMaps)
            {
                throw new UsageException($"--method {needsMaps.Name} pastes the pixels of one class of a partner's label map, which only the synthetic scenes of --dense have; add --dense.");
            }
        }

        string[] specific = All.SelectMany(m => m.Options).Distinct().ToArray();
        foreach (string option in specific.Where(options.Given.Contains))
        {
            if (!methods.Any(m => m.Options.Contains(option)))
            {
                string[] names = [.. All.Where(m => m.Options.Contains(option)).Select(m => m.Name)];
                string owners = names.Length == 1 ? names[0] : $"{string.Join(", ", names[..^1])} and {names[^1]}";
                throw new UsageException($"{option} applies to {owners} only, not to --method {options.Method}.");
            }
        }

        foreach (string option in CommonOptions.Where(options.Given.Contains))
        {
            if (methods.All(m => m.Without.Contains(option)))
            {
                throw new UsageException($"{option} does not apply to --method {options.Method}, which {(methods.Length == 1 ? "has" : "have")} no such parameter.");
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
                throw new UsageException(Errors.InOptionTerms(e));
            }
        }

        return methods;
    }

    private static MixUp MixUp(PreviewOptions o) => new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode, o.Pairing);

    private static CutMix CutMix(PreviewOptions o, PartnerPatch partnerPatch = PartnerPatch.SameBox) =>
        new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode, o.Pairing, correctLambda: true, minRatio: o.MinRatio, maxRatio: o.MaxRatio, partnerPatch: partnerPatch);

    // A preview shows one tile per sample, so outside batch mode every group gets its own noise image (the
    // reference's single image per batch would give nested masks of one shape).
    private static FMix FMix(PreviewOptions o) =>
        new(o.Alpha ?? 1.0, o.DecayPower ?? 3.0, o.MaxSoft ?? 0.0, reformulate: false, o.Probability ?? 1.0, o.Mode, o.Pairing,
            o.Mode == LambdaMode.Batch ? MaskGranularity.PerBatch : MaskGranularity.PerGroup, o.Spectrum ?? FourierSpectrum.Paper);

    private static SaliencyMix SaliencyMix(PreviewOptions o) => new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode, o.Pairing);

    private static GridMix GridMix(PreviewOptions o) => new(o.Alpha ?? 1.0, probability: o.Probability ?? 1.0, mode: o.Mode, pairing: o.Pairing);

    private static SmoothMix SmoothMix(PreviewOptions o) => new(o.Alpha ?? 1.0, probability: o.Probability ?? 1.0, mode: o.Mode, pairing: o.Pairing);

    private static ResizeMix ResizeMix(PreviewOptions o) =>
        new(o.MinScale ?? 0.1, o.MaxScale ?? 0.8, o.Probability ?? 1.0, o.Mode, o.Pairing);

    private static GuidedMix GuidedMix(PreviewOptions o) => new(o.Alpha ?? 1.0, o.Probability ?? 1.0, o.Mode);

    // Mosaic needs three partners, which flip pairing (the preview's default) cannot give: permutations unless --pairing says.
    private static Mosaic Mosaic(PreviewOptions o) =>
        new(probability: o.Probability ?? 1.0, pairing: o.Given.Contains("--pairing") ? o.Pairing : PairingStrategy.Permutation);

    private static MultiCutMix MultiCutMix(PreviewOptions o) => new(o.Partners ?? 3, o.Alpha ?? 1.0, o.Probability ?? 1.0);

    // The scenes' class 0 is the striped background: a transplant of it would repaint most of the acceptor.
    private static Transplantation Transplantation(PreviewOptions o) =>
        new(excludedClasses: [0], o.Probability ?? 1.0, o.Given.Contains("--pairing") ? o.Pairing : PairingStrategy.Roll);

    private static BatchFeatures ClassMapsOf(PreviewBatch batch) =>
        new([], new ClassMaps(batch.Shape.Spatial, [.. batch.Targets!.LabelMaps.Select(c => (int)c)]));

    // MultiCutMix is no MixTransform: it has no λ mode and draws one partner permutation per box.
    private static string Describe(MultiCutMix t) => F($"{t.Name.ToLowerInvariant()}  partners {t.Partners}  alpha {t.Alpha}  p {t.Probability}");

    private static string Describe(Transplantation t) =>
        F($"{t.Name.ToLowerInvariant()}  exclude [{string.Join(", ", t.ExcludedClasses)}]  p {t.Probability}  {Pairing(t.Pairing)}");

    private static string Describe(Mosaic t) =>
        F($"{t.Name.ToLowerInvariant()}  centre [{t.MinCentre}, {t.MaxCentre}]  p {t.Probability}  {Pairing(t.Pairing)}");

    // SnapMix's partner boxes, named in the title (the legend's "asymmetric").
    private static string PatchWord(CutMix c) => c.PartnerPatch == PartnerPatch.SameBox ? string.Empty : "  asymmetric";

    private static string Describe(MixTransform t)
    {
        string mode = t.Mode switch { LambdaMode.Batch => "batch", LambdaMode.Pair => "pair", _ => "elem" };
        string pairing = t is GuidedMix ? "guided" : Pairing(t.Pairing);
        string extra = t switch
        {
            CutMix { MinRatio: double min, MaxRatio: double max } c => F($"ratio [{min}, {max}]{PatchWord(c)}"),
            CutMix c => F($"alpha {c.Alpha}{PatchWord(c)}"),
            MixUp m => F($"alpha {m.Alpha}"),
            FMix f => F($"alpha {f.Alpha} decay {f.DecayPower} soft {f.MaxSoft}{(f.Spectrum == FourierSpectrum.Reference ? " reference" : string.Empty)}"),
            SaliencyMix sm => F($"beta {sm.Beta}"),
            GuidedMix gm => F($"beta {gm.Beta}"),
            GridMix g => F($"alpha {g.Alpha}"),
            SmoothMix s => F($"alpha {s.Alpha}"),
            ResizeMix z => F($"scale [{z.MinScale}, {z.MaxScale}]"),
            _ => string.Empty,
        };
        return F($"{t.Name.ToLowerInvariant()}  {extra}  p {t.Probability}  {mode}  {pairing}");
    }

    private static string Pairing(PairingStrategy pairing) => pairing switch { PairingStrategy.Roll => "roll", PairingStrategy.Permutation => "perm", _ => "flip" };

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
