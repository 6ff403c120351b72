using System.Text.RegularExpressions;
using MixAug.Preview;

namespace MixAug.ImageSharp.Tests.Preview;

/// <summary>The preview's command line (System.CommandLine): one-line errors in option terms with exit code 2, help,
/// completions. Every expected message is written out here, not produced by the code under test.</summary>
public class PreviewCommandLineTests
{
    private const string Help = " Run with --help for the options.";

    // Errors the transforms raise (ArgumentException), translated into the options that set the parameters.
    [TestCase("error: --alpha must be a finite number greater than 0; it was 0.", "--alpha", "0")]
    [TestCase("error: --alpha must be a finite number greater than 0; it was 0.", "--method", "saliencymix", "--alpha", "0")]
    [TestCase("error: --alpha must be a finite number greater than 0; it was -1.", "--method", "fmix", "--alpha", "-1")]
    [TestCase("error: --probability must lie in [0, 1]; it was 1.5.", "--probability", "1.5")]
    [TestCase("error: Give both --min-ratio and --max-ratio or neither; --min-ratio was 0.2 and --max-ratio not given.", "--method", "cutmix", "--min-ratio", "0.2")]
    [TestCase("error: Give both --min-ratio and --max-ratio or neither; --min-ratio was not given and --max-ratio 0.5.", "--method", "cutmix", "--max-ratio", "0.5")]
    [TestCase("error: --min-ratio 0.6 is greater than --max-ratio 0.5.", "--method", "cutmix", "--min-ratio", "0.6", "--max-ratio", "0.5")]
    [TestCase("error: --min-ratio must lie in (0, 1]; it was 0.", "--method", "cutmix", "--min-ratio", "0", "--max-ratio", "0.5")]
    [TestCase("error: --max-ratio must lie in (0, 1]; it was 2.", "--method", "cutmix", "--min-ratio", "0.5", "--max-ratio", "2")]
    [TestCase("error: --decay-power must be a finite number greater than 0; it was 0.", "--method", "fmix", "--decay-power", "0")]
    [TestCase("error: --max-soft must lie in [0, 0.5]; it was 0.7.", "--method", "fmix", "--max-soft", "0.7")]
    [TestCase("error: --mode pair needs mutual partners; --pairing roll is not mutual. Use --pairing flip or perm.", "--mode", "pair", "--pairing", "roll")]
    // Errors of the options' own parsers.
    [TestCase("error: --alpha must be a finite number such as 0.8; it was 'abc'." + Help, "--alpha", "abc")]
    [TestCase("error: --alpha must be a finite number such as 0.8; it was 'NaN'." + Help, "--alpha", "NaN")]
    [TestCase("error: --size must be an integer in [16, 1024]; it was '5'." + Help, "--size", "5")]
    [TestCase("error: --size must be an integer in [16, 1024]; it was '1e3'." + Help, "--size", "1e3")]
    [TestCase("error: --count must be an integer in [1, 64]; it was '65'." + Help, "--count", "65")]
    [TestCase("error: --seed must be an unsigned 64-bit integer; it was '-3'." + Help, "--seed", "-3")]
    [TestCase("error: --spectrum must be paper or reference; it was 'pink'." + Help, "--spectrum", "pink")]
    [TestCase("error: --mode must be batch, pair or elem; it was 'weird'." + Help, "--mode", "weird")]
    [TestCase("error: --pairing must be flip, roll or perm; it was 'zip'." + Help, "--pairing", "zip")]
    [TestCase("error: --out must name a .png file; it was 'x.jpg'." + Help, "--out", "x.jpg")]
    // System.CommandLine's own errors; an option's error comes before the tokens left over after it.
    [TestCase("error: Required argument missing for option: '--seed'." + Help, "--seed")]
    [TestCase("error: --seed must be an unsigned 64-bit integer; it was '--size'. (1 more after it)" + Help, "--seed", "--size", "32")]
    [TestCase("error: Unrecognized command or argument '--frobnicate'. (1 more after it)" + Help, "--frobnicate", "1")]
    [TestCase("error: Option '--count' expects a single argument but 2 were provided." + Help, "--count", "3", "--count", "4")]
    // The app's own checks after parsing.
    [TestCase("error: --min-ratio applies to cutmix and snapmix only, not to --method mixup.", "--method", "mixup", "--min-ratio", "0.2", "--max-ratio", "0.5")]
    [TestCase("error: Unknown method 'swirl'; choose one of mixup, cutmix, snapmix, fmix, saliencymix, gridmix, smoothmix, resizemix, guidedmix, mosaic, multicutmix, transplantation, a comma-separated list of them, or all.", "--method", "mixup,swirl")]
    [TestCase("error: --partners applies to multicutmix only, not to --method mixup.", "--method", "mixup", "--partners", "2")]
    [TestCase("error: --min-scale applies to resizemix only, not to --method cutmix,fmix.", "--method", "cutmix,fmix", "--min-scale", "0.2")]
    [TestCase("error: --alpha does not apply to --method resizemix, which has no such parameter.", "--method", "resizemix", "--alpha", "2")]
    [TestCase("error: --mode does not apply to --method multicutmix, which has no such parameter.", "--method", "multicutmix", "--mode", "pair")]
    [TestCase("error: --pairing does not apply to --method multicutmix, which has no such parameter.", "--method", "multicutmix", "--pairing", "roll")]
    [TestCase("error: --pairing does not apply to --method guidedmix, which has no such parameter.", "--method", "guidedmix", "--pairing", "roll")]
    [TestCase("error: --alpha does not apply to --method mosaic, which has no such parameter.", "--method", "mosaic", "--alpha", "2")]
    [TestCase("error: Mosaic draws three partners per sample by Permutation or Roll; Flip gives one partner.", "--method", "mosaic", "--pairing", "flip")]
    [TestCase("error: --min-scale 0.6 is greater than --max-scale 0.4.", "--method", "resizemix", "--min-scale", "0.6", "--max-scale", "0.4")]
    [TestCase("error: --max-scale must lie in (0, 1]; it was 1.5.", "--method", "resizemix", "--max-scale", "1.5")]
    [TestCase("error: --alpha must be a finite number greater than 0; it was 0.", "--method", "multicutmix", "--alpha", "0")]
    [TestCase("error: --partners must be an integer in [1, 16]; it was '0'." + Help, "--partners", "0")]
    public void BadCommandLineIsOneLineInOptionTermsWithExitCode2(string expected, params string[] args)
    {
        (int code, string stdout, string stderr) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Is.EqualTo(expected + Environment.NewLine));
        Assert.That(stdout, Is.Empty, "no help text after an error");
    }

    /// <summary>Every value a transform refuses, for every method that takes it: no .NET wording or C# name gets through.</summary>
    [Test]
    public void NoLibraryErrorLeaksParameterNamesOrDotNetWording()
    {
        string[][] cases =
        [
            ["--alpha", "0"], ["--alpha", "-0.5"], ["--probability", "-0.1"], ["--probability", "2"],
            ["--min-ratio", "0.3"], ["--max-ratio", "0.3"], ["--min-ratio", "0.9", "--max-ratio", "0.1"], ["--min-ratio", "-1", "--max-ratio", "0.5"],
            ["--decay-power", "-2"], ["--max-soft", "-0.1"], ["--max-soft", "0.51"], ["--mode", "pair", "--pairing", "roll"],
        ];
        var camelCase = new Regex(@"\b[a-z]+[A-Z][A-Za-z]*\b");
        foreach (string[] bad in cases)
        {
            (int code, _, string stderr) = Run(bad);
            string line = stderr.TrimEnd('\r', '\n');
            Assert.That(code, Is.EqualTo(2), string.Join(' ', bad));
            Assert.That(line, Does.Not.Contain('\n').And.Not.Contain("(Parameter").And.Not.Contain("Actual value")
                .And.Not.Contain("LambdaMode").And.Not.Contain("Permutation").And.Not.Contain("null"), string.Join(' ', bad));
            Assert.That(camelCase.IsMatch(line), Is.False, $"{string.Join(' ', bad)}: {line}");
            Assert.That(line, Does.StartWith("error: ").And.Contain("--"), string.Join(' ', bad));
        }
    }

    [Test]
    public void HelpIsSystemCommandLinesWithEveryOptionAndTheExitCodes()
    {
        (int code, string stdout, string stderr) = Run("--help");
        Assert.That(code, Is.Zero);
        Assert.That(stderr, Is.Empty);
        Assert.That(stdout, Does.StartWith("Description:").And.Contain("Usage:").And.Contain("Exit codes: 0 success, 1 no usable image or an output error, 2 bad arguments."));
        foreach (string option in new[] { "--images", "--method", "--alpha", "--probability", "--min-ratio", "--max-ratio", "--decay-power", "--max-soft", "--spectrum", "--mode", "--pairing", "--seed", "--size", "--count", "--out", "--html" })
        {
            Assert.That(stdout, Does.Contain($"  {option} <"), option);
        }

        // Defaults as a user types them, not C# enum names.
        Assert.That(stdout, Does.Contain("--mode <batch|pair|elem>").And.Not.Contain("Element").And.Not.Contain("Flip]"));
        Assert.That(stdout, Does.Contain("[default: 42]").And.Contain("[default: 128]").And.Contain("[default: preview.png]"));
        Assert.That(Run("-h").Stdout, Is.EqualTo(stdout));
    }

    [TestCase("--spectrum", "re", new[] { "reference" })]
    [TestCase("--mode", "", new[] { "batch", "elem", "pair" })]
    [TestCase("--pairing", "pe", new[] { "perm" })]
    [TestCase("--method", "", new[] { "all", "cutmix", "fmix", "gridmix", "guidedmix", "mixup", "mosaic", "multicutmix", "resizemix", "saliencymix", "smoothmix", "snapmix", "transplantation" })]
    public void ValuesComplete(string option, string typed, string[] expected)
    {
        string line = $"{option} {typed}";
        var completions = new PreviewCommand().Root.Parse(line).GetCompletions(line.Length).Select(c => c.Label).ToArray();
        Assert.That(completions, Is.EquivalentTo(expected));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = PreviewApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
