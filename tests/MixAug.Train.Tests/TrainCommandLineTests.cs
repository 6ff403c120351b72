using MixAug.Samples.CommandLine;

namespace MixAug.Train.Tests;

/// <summary>The training sample's command line (System.CommandLine): one-line errors naming the option and the value,
/// exit code 2, help that names what the sample writes. Expected messages are written out by hand.</summary>
public class TrainCommandLineTests
{
    private const string Help = " Run with --help for the options.";

    [TestCase("error: --epochs must be an integer in [1, 1000]; it was '0'." + Help, "--epochs", "0")]
    [TestCase("error: --epochs must be an integer in [1, 1000]; it was 'ten'." + Help, "--epochs", "ten")]
    [TestCase("error: --mix must be none, mixup, cutmix, fmix, saliencymix, choice, manifold, gradsaliency, deit, transmix or snapmix; it was 'swirl'." + Help, "--mix", "swirl")]
    [TestCase("error: --optimizer must be adam, adamw or sgd; it was 'rmsprop'." + Help, "--optimizer", "rmsprop")]
    [TestCase("error: --lr must be a finite number greater than 0; it was '0'." + Help, "--lr", "0")]
    [TestCase("error: --lr must be a finite number greater than 0; it was 'Infinity'." + Help, "--lr", "Infinity")]
    [TestCase("error: --batch-size must be an integer in [1, 65536]; it was '65537'." + Help, "--batch-size", "65537")]
    [TestCase("error: --limit must be an integer in [1, 2147483647]; it was '0'." + Help, "--limit", "0")]
    [TestCase("error: --seed must be an unsigned 64-bit integer; it was '1.5'." + Help, "--seed", "1.5")]
    [TestCase("error: Required argument missing for option: '--epochs'." + Help, "--epochs")]
    [TestCase("error: Unrecognized command or argument 'yes'." + Help, "--compare", "yes")]
    [TestCase("error: Unrecognized command or argument '--frob'. (1 more after it)" + Help, "--frob", "1")]
    public void BadCommandLineIsOneLineNamingTheOptionWithExitCode2(string expected, params string[] args)
    {
        (int code, string stdout, string stderr) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Is.EqualTo(expected + Environment.NewLine));
        Assert.That(stdout, Is.Empty);
    }

    [Test]
    public void HelpListsEveryOptionWithItsDefault()
    {
        (int code, string stdout, _) = Run("--help");
        Assert.That(code, Is.Zero);
        foreach (string option in new[] { "--data <DIR>", "--mix <none|mixup|cutmix|fmix|saliencymix|choice|manifold|gradsaliency|deit|transmix|snapmix>", "--model <cnn|vit|camcnn>", "--epochs <N>", "--seed <N>", "--limit <N>", "--batch-size <N>", "--optimizer <adam|adamw|sgd>", "--lr <X>", "--json <FILE>", "--plot <DIR>", "--compare " })
        {
            Assert.That(stdout, Does.Contain(option), option);
        }

        Assert.That(stdout, Does.Contain("Epochs, 1..1000 [default: 10]").And.Contain("[default: 0.001 for adam and adamw, 0.05 for sgd]").And.Contain("MIXAUG_FASHION_MNIST"));
        Assert.That(stdout, Does.Not.Contain("epoch(s)").And.Not.Contain("1 epochs"));
    }

    [Test]
    public void ArgumentErrorsDropTheDotNetSuffixesAndRenameWholeWordsOnly()
    {
        var errors = new ArgumentErrors(new Dictionary<string, string> { ["minRatio"] = "--min-ratio", ["alpha"] = "--alpha", ["Roll pairing"] = "--pairing roll" });
        var outOfRange = new ArgumentOutOfRangeException("minRatio", 0.0, "minRatio must lie in (0, 1]; it was 0.");
        Assert.That(outOfRange.Message, Does.Contain("(Parameter 'minRatio')").And.Contain("Actual value was 0."), "what .NET adds");
        Assert.That(errors.InOptionTerms(outOfRange), Is.EqualTo("--min-ratio must lie in (0, 1]; it was 0."));
        Assert.That(
            errors.InOptionTerms(new ArgumentException("alphabet and alpha; Roll pairing, minRatios, x.alpha", "alpha")),
            Is.EqualTo("alphabet and --alpha; --pairing roll, minRatios, x.alpha"));
        Assert.That(ArgumentErrors.Sentence(new ArgumentException("no parameter")), Is.EqualTo("no parameter"));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = TrainApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
