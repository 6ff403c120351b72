using System.Text.Json;

namespace MixAug.Train.Tests.Segmentation;

/// <summary>The segment subcommand end to end on a generated data set.</summary>
public class SegmentCommandTests
{
    private string _data = null!;
    private string _out = null!;

    [OneTimeSetUp]
    public void WriteData() => _data = IdxWriter.SyntheticFashionMnist(train: 300, test: 100, seed: 5);

    [OneTimeTearDown]
    public void DeleteData() => Directory.Delete(_data, recursive: true);

    [SetUp]
    public void CreateOutput() => _out = Directory.CreateTempSubdirectory("mixaug-segment-").FullName;

    [TearDown]
    public void DeleteOutput() => Directory.Delete(_out, recursive: true);

    [TestCase("none")]
    [TestCase("mixup")]
    [TestCase("cutmix")]
    [TestCase("fmix")]
    [TestCase("saliencymix")]
    [TestCase("transplant")]
    public void TrainsAndWritesMeanIoUPerEpoch(string mix)
    {
        string json = Path.Combine(_out, "seg.json");
        (int code, string stdout, string stderr) = Run("segment", "--data", _data, "--mix", mix, "--limit", "256", "--epochs", "2", "--json", json);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("256 training and 100 test images; 2 epochs").And.Contain($"segment {mix} epoch 2/2: train loss "));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(doc.RootElement.GetProperty("mix").GetString(), Is.EqualTo(mix));
        JsonElement[] epochs = [.. doc.RootElement.GetProperty("epochs").EnumerateArray()];
        Assert.That(epochs, Has.Length.EqualTo(2));
        foreach (JsonElement e in epochs)
        {
            Assert.That(e.GetProperty("meanIoU").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(e.GetProperty("pixelAccuracy").GetDouble(), Is.InRange(0.0, 1.0));
            Assert.That(e.GetProperty("trainLoss").GetDouble(), Is.GreaterThan(0));
        }
    }

    [Test]
    public void SameSeedSameNumbersAndTheMixChangesThem()
    {
        string Numbers(string mix)
        {
            string json = Path.Combine(_out, $"{mix}-{Guid.NewGuid():N}.json");
            Assert.That(Run("segment", "--data", _data, "--mix", mix, "--limit", "128", "--epochs", "1", "--json", json).Code, Is.Zero);
            return string.Join('\n', File.ReadAllLines(json).Where(l => !l.Contains("\"seconds\"")));
        }

        string cutmix = Numbers("cutmix");
        Assert.That(Numbers("cutmix"), Is.EqualTo(cutmix));
        Assert.That(Numbers("none"), Is.Not.EqualTo(cutmix));
    }

    // Manifold Mixup mixes hidden states, which have no class maps; gradient saliency needs the classifier's step.
    [TestCase("manifold")]
    [TestCase("gradsaliency")]
    public void MixesThatNeedTheClassificationStepsAreRefusedByTheCommandLine(string mix)
    {
        (int code, _, string stderr) = Run("segment", "--data", _data, "--mix", mix);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.StartWith("error:").And.Contain(mix));
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = TrainApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
