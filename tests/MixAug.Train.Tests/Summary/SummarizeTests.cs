using System.Globalization;
using System.Text.Json;

namespace MixAug.Train.Tests.Summary;

/// <summary>The summarize subcommand on hand-written run files whose means and deviations are worked out here.</summary>
public class SummarizeTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("mixaug-summary-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [Test]
    public void TableHoldsMeanAndSampleDeviationOverSeedsAndTheDifferenceToNone()
    {
        // none: final accuracies 0.90, 0.92, 0.94 -> mean 92.00 %, sample deviation sqrt((4 + 0 + 4) / 2) = 2.00 points.
        // Best accuracies of none: 0.90, 0.92, 0.97 -> 93.00 %, deviation sqrt((9 + 1 + 16) / 2) = 3.61 points.
        // mixup: 0.93, 0.95 -> mean 94.00 %, deviation sqrt((1 + 1) / 1) = 1.41 points; 2.00 points ahead of none.
        string[] files =
        [
            WriteRun("none", 1, [(0.80, 0.5, 0.10), (0.90, 0.30, 0.02)]),
            WriteRun("none", 2, [(0.81, 0.5, 0.10), (0.92, 0.32, 0.04)]),
            WriteRun("none", 3, [(0.97, 0.5, 0.10), (0.94, 0.34, 0.06)]),
            WriteRun("mixup", 2, [(0.85, 0.5, 0.10), (0.93, 0.25, 0.01)]),
            WriteRun("mixup", 1, [(0.86, 0.5, 0.10), (0.95, 0.27, 0.03)]),
        ];
        (int code, string stdout, string stderr) = Run(["summarize", .. files, "--out", _dir]);
        Assert.That(code, Is.Zero, stderr);
        string table = File.ReadAllText(Path.Combine(_dir, "summary.md"));
        Assert.That(stdout, Does.StartWith(table));
        Assert.That(table, Does.StartWith("5 runs; seeds 1, 2, 3;"));
        string[] rows = table.Split('\n').Where(l => l.StartsWith("| none") || l.StartsWith("| mixup")).ToArray();

        // The mixes come in the sample's order (none before mixup), whatever the order of the files.
        Assert.That(rows, Has.Length.EqualTo(2));
        Assert.That(rows[0], Does.StartWith("| none | 3 | 2 | 92.00 ± 2.00 % | 0.00 | 0.3200 ± 0.0200 | 0.0400 ± 0.0200 | 93.00 ± 3.61 % |"));
        Assert.That(rows[1], Does.StartWith("| mixup | 2 | 2 | 94.00 ± 1.41 % | +2.00 | 0.2600 ± 0.0141 | 0.0200 ± 0.0141 | 94.00 ± 1.41 % |"));
        foreach (string plot in new[] { "summary-accuracy.png", "summary-ece.png", "summary-loss.png" })
        {
            Assert.That(new FileInfo(Path.Combine(_dir, plot)).Length, Is.GreaterThan(1000), plot);
        }
    }

    [Test]
    public void ASeedTwiceForOneMixIsRefusedNamingBothFiles()
    {
        string a = WriteRun("cutmix", 4, [(0.5, 1, 0.1)], "a.json");
        string b = WriteRun("cutmix", 4, [(0.6, 1, 0.1)], "b.json");
        (int code, _, string stderr) = Run("summarize", a, b, "--out", _dir);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("cutmix: seed 4 appears twice").And.Contain("a.json").And.Contain("b.json"));
        Assert.That(File.Exists(Path.Combine(_dir, "summary.md")), Is.False);
    }

    [Test]
    public void RunsOfOneMixWithDifferentEpochCountsAreRefused()
    {
        string a = WriteRun("fmix", 1, [(0.5, 1, 0.1), (0.6, 1, 0.1)], "a.json");
        string b = WriteRun("fmix", 2, [(0.6, 1, 0.1)], "b.json");
        (int code, _, string stderr) = Run("summarize", a, b);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("has 1 epochs but").And.Contain("has 2"));
    }

    [TestCase("[]", "expected the JSON object of one run")]
    [TestCase("{\"mix\": \"none\", \"seed\": 1, \"epochs\": []}", "the run has no epochs")]
    [TestCase("{\"mix\": \"none\", \"seed\": 1}", "not a training run's --json file")]
    [TestCase("{\"mix\": \"none\", \"seed\": -1, \"epochs\": []}", "not a training run's --json file")]
    [TestCase("not json", "not a training run's --json file")]
    public void MalformedFilesAreNamedInOneLine(string content, string message)
    {
        string file = Path.Combine(_dir, "bad.json");
        File.WriteAllText(file, content);
        (int code, _, string stderr) = Run("summarize", file);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith($"error: {file}: {message}"));
        Assert.That(stderr.TrimEnd().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void AMissingFileIsNamed()
    {
        string file = Path.Combine(_dir, "absent.json");
        (int code, _, string stderr) = Run("summarize", file);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith($"error: {file}:"));
    }

    private string WriteRun(string mix, ulong seed, (double Accuracy, double Loss, double Ece)[] epochs, string? name = null)
    {
        string path = Path.Combine(_dir, name ?? $"{mix}-seed{seed}.json");
        var run = new
        {
            mix,
            seed,
            epochs = epochs.Select((e, i) => new { epoch = i + 1, trainLoss = 1.0, trainAccuracy = 0.5, testAccuracy = e.Accuracy, testLoss = e.Loss, ece = e.Ece, seconds = 2.0 }),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(run));
        return path;
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter(CultureInfo.InvariantCulture);
        using var stderr = new StringWriter(CultureInfo.InvariantCulture);
        int code = TrainApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
