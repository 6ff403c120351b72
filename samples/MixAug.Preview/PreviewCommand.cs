using System.CommandLine;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Samples.CommandLine;

namespace MixAug.Preview;

/// <summary>The preview's command line, declared for System.CommandLine (which gives the help, the parse errors and the
/// completions), and the binding of a parse result to <see cref="PreviewOptions"/>.</summary>
internal sealed class PreviewCommand
{
    public const int MinSize = 16;
    public const int MaxSize = 1024;
    public const int MaxCount = 64;

    /// <summary>Tiles drawn when --count is not given (fewer when the folder has fewer images).</summary>
    public const int DefaultCount = 8;

    private readonly Option<string?> _images = new Option<string?>("--images")
    {
        HelpName = "DIR",
        Description = "Folder of PNG/JPEG images, flat or one subfolder per class (root/<class>/<image>). "
            + $"A seeded sample of --count images is loaded, one at a time [default: the sample images shipped with the app]",
    }.NonEmpty();

    private readonly Option<string> _method = new("--method")
    {
        HelpName = string.Join('|', MethodRegistry.Names) + "|all",
        Description = "A method, a comma-separated list of them, or all",
        DefaultValueFactory = _ => "all",
    };

    private readonly Option<double?> _alpha = new Option<double?>("--alpha")
    {
        HelpName = "A",
        Description = "Beta(A, A) concentration of lambda, > 0, every method but resizemix (SaliencyMix calls it beta; multicutmix draws one per box) [default: 1]",
    }.FiniteNumber();

    private readonly Option<double?> _probability = new Option<double?>("--probability")
    {
        HelpName = "P",
        Description = "Chance each group is mixed, in [0, 1] [default: 1]",
    }.FiniteNumber();

    private readonly Option<double?> _minRatio = new Option<double?>("--min-ratio")
    {
        HelpName = "R",
        Description = "cutmix and snapmix: smallest box side as a share of the image side, in (0, 1]; give both --min-ratio and --max-ratio or neither",
    }.FiniteNumber();

    private readonly Option<double?> _maxRatio = new Option<double?>("--max-ratio")
    {
        HelpName = "R",
        Description = "cutmix and snapmix: largest box side as a share of the image side, in [--min-ratio, 1]",
    }.FiniteNumber();

    private readonly Option<double?> _decayPower = new Option<double?>("--decay-power")
    {
        HelpName = "D",
        Description = "fmix: decay power of the noise spectrum, > 0 [default: 3]",
    }.FiniteNumber();

    private readonly Option<double?> _maxSoft = new Option<double?>("--max-soft")
    {
        HelpName = "S",
        Description = "fmix: softening of the mask edge, in [0, 0.5] [default: 0]",
    }.FiniteNumber();

    private readonly Option<FourierSpectrum?> _spectrum = new Option<FourierSpectrum?>("--spectrum")
    {
        Description = "fmix: the paper's spectrum, or the reference code's (masks one cycle across) [default: paper]",
    }.OneOf<FourierSpectrum?>(("paper", FourierSpectrum.Paper), ("reference", FourierSpectrum.Reference));

    private readonly Option<double?> _minScale = new Option<double?>("--min-scale")
    {
        HelpName = "R",
        Description = "resizemix: smallest side of the box the partner is shrunk into, as a share of the image side, in (0, 1] [default: 0.1]",
    }.FiniteNumber();

    private readonly Option<double?> _maxScale = new Option<double?>("--max-scale")
    {
        HelpName = "R",
        Description = "resizemix: largest side of that box, in [--min-scale, 1] [default: 0.8]",
    }.FiniteNumber();

    private readonly Option<int?> _partners = new Option<int?>("--partners")
    {
        HelpName = "N",
        Description = "multicutmix: boxes per sample, each pasted from its own partner, 1..16 [default: 3]",
    }.IntegerIn(1, 16);

    // Enum options have no DefaultValueFactory: help would print the C# name (Element), not the word one types.
    private readonly Option<LambdaMode?> _mode = new Option<LambdaMode?>("--mode")
    {
        Description = "One lambda per batch, pair or sample (elem), every method but multicutmix [default: elem, so that tiles differ]",
    }.OneOf<LambdaMode?>(("batch", LambdaMode.Batch), ("pair", LambdaMode.Pair), ("elem", LambdaMode.Element), ("element", LambdaMode.Element));

    private readonly Option<PairingStrategy?> _pairing = new Option<PairingStrategy?>("--pairing")
    {
        Description = "How partners are chosen: the batch reversed (flip), shifted by one (roll) or shuffled (perm), every method but multicutmix (a permutation per box) [default: flip]",
    }.OneOf<PairingStrategy?>(("flip", PairingStrategy.Flip), ("roll", PairingStrategy.Roll), ("perm", PairingStrategy.Permutation), ("permutation", PairingStrategy.Permutation));

    private readonly Option<ulong> _seed = new Option<ulong>("--seed")
    {
        HelpName = "N",
        Description = "Unsigned 64-bit seed of the image sample and of every mix; same seed, same picture",
        DefaultValueFactory = _ => 42,
    }.UnsignedInteger();

    private readonly Option<int> _size = new Option<int>("--size")
    {
        HelpName = "S",
        Description = $"Side of the square samples, {MinSize}..{MaxSize}; images are scaled to cover it and centre-cropped",
        DefaultValueFactory = _ => 128,
    }.IntegerIn(MinSize, MaxSize);

    private readonly Option<int?> _count = new Option<int?>("--count")
    {
        HelpName = "N",
        Description = $"Number of tiles, 1..{MaxCount}: a seeded sample of N images of the folder; images repeat if it has fewer [default: {DefaultCount}, or every image of a smaller folder]",
    }.IntegerIn(1, MaxCount);

    private readonly Option<string> _out = new("--out")
    {
        HelpName = "FILE.png",
        Description = "The contact sheet to write",
        DefaultValueFactory = _ => "preview.png",
        CustomParser = result =>
        {
            string value = result.Tokens[0].Value;
            if (string.IsNullOrWhiteSpace(value) || !value.EndsWith(".png", StringComparison.OrdinalIgnoreCase))
            {
                result.AddError($"--out must name a .png file; it was '{value}'.");
            }

            return value;
        },
    };

    private readonly Option<string?> _html = new Option<string?>("--html")
    {
        HelpName = "DIR",
        Description = "Also write a static HTML gallery (index.html and PNGs) into DIR",
    }.NonEmpty();

    private readonly Option<bool> _dense = new("--dense")
    {
        Description = "Mix synthetic scenes with segmentation masks and detection boxes (drawn in memory, exact by construction; "
            + "not with --images) and draw, under each method's tiles, the mixed label map over the mixed sample and the mixed boxes",
    };

    public PreviewCommand()
    {
        _method.CompletionSources.Add([.. MethodRegistry.Names, "all"]);
        Root = new RootCommand(
            "MixAug preview: draws contact sheets of mixed samples (and, with --html, a static gallery) from a folder of images. "
            + "Exit codes: 0 success, 1 no usable image or an output error, 2 bad arguments.")
        {
            _images, _method, _alpha, _probability, _minRatio, _maxRatio, _decayPower, _maxSoft, _spectrum, _minScale, _maxScale, _partners, _mode, _pairing, _seed, _size, _count, _out, _html, _dense,
        };
    }

    /// <summary>The command; its action is set by the app.</summary>
    public RootCommand Root { get; }

    /// <summary>The options a parse result holds.</summary>
    public PreviewOptions Bind(ParseResult parse)
    {
        var options = new PreviewOptions
        {
            Images = parse.GetValue(_images),
            Method = parse.GetValue(_method)!.ToLowerInvariant(),
            Alpha = parse.GetValue(_alpha),
            Probability = parse.GetValue(_probability),
            MinRatio = parse.GetValue(_minRatio),
            MaxRatio = parse.GetValue(_maxRatio),
            DecayPower = parse.GetValue(_decayPower),
            MaxSoft = parse.GetValue(_maxSoft),
            Spectrum = parse.GetValue(_spectrum),
            MinScale = parse.GetValue(_minScale),
            MaxScale = parse.GetValue(_maxScale),
            Partners = parse.GetValue(_partners),
            Mode = parse.GetValue(_mode) ?? LambdaMode.Element,
            Pairing = parse.GetValue(_pairing) ?? PairingStrategy.Flip,
            Seed = parse.GetValue(_seed),
            Size = parse.GetValue(_size),
            Count = parse.GetValue(_count),
            Out = parse.GetValue(_out)!,
            Html = parse.GetValue(_html),
            Dense = parse.GetValue(_dense),
        };

        // Method-specific options are refused for methods that do not take them, so only those typed count.
        foreach (Option option in Root.Options)
        {
            if (parse.GetResult(option) is { Implicit: false })
            {
                options.Given.Add(option.Name);
            }
        }

        return options;
    }
}
