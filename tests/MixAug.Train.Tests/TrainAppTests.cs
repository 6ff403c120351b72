using System.Text.Json;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Training.Steps;
using MixAug.Transforms;

namespace MixAug.Train.Tests;

/// <summary>The sample end to end on a generated data set (CI has no Fashion-MNIST in the test's folder).</summary>
public class TrainAppTests
{
    private string _data = null!;
    private string _out = null!;

    [OneTimeSetUp]
    public void WriteData() => _data = IdxWriter.SyntheticFashionMnist(train: 600, test: 200, seed: 3);

    [OneTimeTearDown]
    public void DeleteData() => Directory.Delete(_data, recursive: true);

    [SetUp]
    public void CreateOutput() => _out = Directory.CreateTempSubdirectory("mixaug-train-").FullName;

    [TearDown]
    public void DeleteOutput() => Directory.Delete(_out, recursive: true);

    /// <summary>--mix snapmix trains the reference's boxes: β 5, one pair of boxes per batch, the partner's of its own
    /// size (a second λ), a random permutation as partners.</summary>
    [Test]
    public void SnapMixDrawsTheReferencesTwoBoxes()
    {
        var cutMix = (CutMix)TrainApp.Transform("snapmix")!;
        Assert.That((cutMix.Alpha, cutMix.Mode, cutMix.Pairing, cutMix.PartnerPatch), Is.EqualTo((5.0, LambdaMode.Batch, PairingStrategy.Permutation, PartnerPatch.OwnSize)));
    }

    [TestCase("none")]
    [TestCase("cutmix")]
    [TestCase("saliencymix")]
    [TestCase("manifold")]
    [TestCase("gradsaliency")]
    [TestCase("deit")]
    [TestCase("transmix")]
    [TestCase("snapmix")]
    public void TrainsOneEpochAndWritesJsonAndPlots(string mix)
    {
        string json = Path.Combine(_out, "run.json");
        (int code, string stdout, string stderr) = Run("--data", _data, "--mix", mix, "--limit", "512", "--epochs", "1", "--json", json, "--plot", _out);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("512 training and 200 test images; 1 epoch, batch 128").And.Contain($"{mix} epoch 1/1"));
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        JsonElement epoch = doc.RootElement.GetProperty("epochs")[0];
        Assert.That(doc.RootElement.GetProperty("mix").GetString(), Is.EqualTo(mix));
        Assert.That(doc.RootElement.GetProperty("model").GetString(), Is.EqualTo(mix switch { "deit" or "transmix" => "vit", "snapmix" => "camcnn", _ => "cnn" }));
        Assert.That(epoch.GetProperty("testAccuracy").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(epoch.GetProperty("ece").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(epoch.GetProperty("trainLoss").GetDouble(), Is.GreaterThan(0));
        Assert.That(epoch.GetProperty("trainAccuracy").GetDouble(), Is.InRange(0.0, 1.0));
        Assert.That(stdout, Does.Contain("train accuracy "));
        Assert.That(File.Exists(Path.Combine(_out, $"{mix}-accuracy.png")), Is.True);
    }

    [TestCase("transmix", "cnn", "--mix transmix needs --model vit")]
    [TestCase("manifold", "vit", "--mix manifold mixes the CNN's named layers")]
    [TestCase("snapmix", "vit", "--mix snapmix needs --model camcnn")]
    public void AMixThatCannotTrainTheModelIsRefusedBeforeLoading(string mix, string model, string message)
    {
        (int code, _, string stderr) = Run("--data", "/no/such/folder", "--mix", mix, "--model", model);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(message).And.Contain($"--model {model}"));
    }

    [Test]
    public void DeitIsTransMixsInputMixingWithAreaLabels()
    {
        // TransMix's baseline: the same plans, drawn from the same seed, with no step to reweigh their labels.
        var shape = new BatchShape(128, 1, 28, 28);
        for (ulong seed = 1; seed <= 20; seed++)
        {
            MixPlan deit = TrainApp.Transform("deit")!.CreatePlan(shape, new MixRandom(seed));
            MixPlan transMix = TrainApp.Transform("transmix")!.CreatePlan(shape, new MixRandom(seed));
            Assert.That(MixPlanJson.Serialize(deit), Is.EqualTo(MixPlanJson.Serialize(transMix)), $"seed {seed}");
        }

        Assert.That(TrainModels.Step("deit"), Is.Null);
        Assert.That(TrainModels.Step("transmix"), Is.InstanceOf<TransMixStep>());
        Assert.That((TrainModels.DefaultFor("deit"), TrainModels.Fits("deit", "cnn"), TrainModels.Fits("deit", "camcnn")), Is.EqualTo(("vit", true, true)));
    }

    [Test]
    public void CompareOnTheVitTrainsTransMixAndNotManifold()
    {
        (int code, _, string stderr) = Run("--data", _data, "--compare", "--model", "vit", "--limit", "128", "--epochs", "1", "--plot", _out);
        Assert.That(code, Is.Zero, stderr);
        string table = File.ReadAllText(Path.Combine(_out, "compare.md"));
        Assert.That(table, Does.Contain("| transmix |").And.Contain("| deit |").And.Contain("| cutmix |").And.Not.Contain("| manifold |"));
    }

    [TestCase("adam", null, 0.001)]
    [TestCase("adamw", null, 0.001)]
    [TestCase("sgd", null, 0.05)]
    [TestCase("sgd", "0.02", 0.02)]
    public void TheOptimizerTrainsAndIsRecordedWithItsLearningRate(string optimizer, string? lr, double expectedLr)
    {
        string json = Path.Combine(_out, "run.json");
        string[] args = ["--data", _data, "--mix", "cutmix", "--limit", "256", "--epochs", "1", "--optimizer", optimizer, "--json", json, .. lr is null ? Array.Empty<string>() : ["--lr", lr]];
        (int code, _, string stderr) = Run(args);
        Assert.That(code, Is.Zero, stderr);
        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
        Assert.That(doc.RootElement.GetProperty("optimizer").GetString(), Is.EqualTo(optimizer));
        Assert.That(doc.RootElement.GetProperty("learningRate").GetDouble(), Is.EqualTo(expectedLr));
        Assert.That(doc.RootElement.GetProperty("epochs")[0].GetProperty("trainLoss").GetDouble(), Is.GreaterThan(0));
    }

    [Test]
    public void EachOptimizerTakesItsOwnSteps()
    {
        // The same seed and data: the optimizers differ only in their steps, so their losses must too.
        double Loss(string optimizer)
        {
            string json = Path.Combine(_out, optimizer + ".json");
            Assert.That(Run("--data", _data, "--mix", "none", "--limit", "256", "--epochs", "1", "--optimizer", optimizer, "--json", json).Code, Is.Zero);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(json));
            return doc.RootElement.GetProperty("epochs")[0].GetProperty("testLoss").GetDouble();
        }

        double[] losses = [Loss("adam"), Loss("adamw"), Loss("sgd")];
        Assert.That(losses.Distinct().Count(), Is.EqualTo(3), string.Join(", ", losses));
    }

    [Test]
    public void SameSeedSameNumbers()
    {
        string a = Path.Combine(_out, "a.json");
        string b = Path.Combine(_out, "b.json");
        Assert.That(Run("--data", _data, "--mix", "mixup", "--limit", "256", "--epochs", "1", "--json", a).Code, Is.Zero);
        Assert.That(Run("--data", _data, "--mix", "mixup", "--limit", "256", "--epochs", "1", "--json", b).Code, Is.Zero);
        static string WithoutSeconds(string path) => string.Join('\n', File.ReadAllLines(path).Where(l => !l.Contains("\"seconds\"")));
        Assert.That(WithoutSeconds(b), Is.EqualTo(WithoutSeconds(a)));
    }

    [Test]
    public void CompareWritesATableWithEveryMix()
    {
        (int code, _, string stderr) = Run("--data", _data, "--compare", "--limit", "128", "--epochs", "1", "--plot", _out);
        Assert.That(code, Is.Zero, stderr);
        string table = File.ReadAllText(Path.Combine(_out, "compare.md"));
        foreach (string mix in new[] { "none", "mixup", "cutmix", "fmix", "saliencymix", "choice", "manifold", "gradsaliency", "deit" })
        {
            Assert.That(table, Does.Contain($"| {mix} |"));
        }

        Assert.That(table, Does.StartWith("Fashion-MNIST, 128 training images, 1 epoch, batch 128"));

        // --help names exactly the files --compare writes.
        string[] written = Directory.GetFiles(_out).Select(Path.GetFileName).Order().ToArray()!;
        Assert.That(written, Is.EqualTo(new[] { "compare-accuracy.png", "compare-ece.png", "compare-loss.png", "compare.md" }));
        (_, string help, _) = Run("--help");
        foreach (string file in written)
        {
            Assert.That(help, Does.Contain(file));
        }

        Assert.That(help, Does.Not.Contain(" compare.png"));
    }

    [Test]
    public void PluralOnlyForMoreThanOne()
    {
        Assert.That(TrainApp.Plural(1, "epoch"), Is.EqualTo("1 epoch"));
        Assert.That(TrainApp.Plural(2, "epoch"), Is.EqualTo("2 epochs"));
    }

    [Test]
    [NonParallelizable]
    public void TheDataFolderCanComeFromTheEnvironment()
    {
        string? before = Environment.GetEnvironmentVariable("MIXAUG_FASHION_MNIST");
        try
        {
            Environment.SetEnvironmentVariable("MIXAUG_FASHION_MNIST", _data);
            (int code, string stdout, string stderr) = Run("--mix", "none", "--limit", "128", "--epochs", "2");
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Contain("128 training and 200 test images; 2 epochs"));

            string missing = Path.Combine(_out, "no-data-here");
            Environment.SetEnvironmentVariable("MIXAUG_FASHION_MNIST", missing);
            (code, _, stderr) = Run("--epochs", "1");
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain($"'{missing}' (from MIXAUG_FASHION_MNIST) does not exist"));
            Data.FashionMnistTests.AssertSaysWhereToGetIt(stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable("MIXAUG_FASHION_MNIST", before);
        }
    }

    [Test]
    public void AFolderWithoutTheFilesNamesThemAndWhereToGetThem()
    {
        (int code, _, string stderr) = Run("--data", _out);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("Neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte is in"));
        Data.FashionMnistTests.AssertSaysWhereToGetIt(stderr);
    }

    [TestCase("--mix", "swirl", "--mix must be none, mixup, cutmix, fmix, saliencymix, choice, manifold, gradsaliency, deit, transmix or snapmix")]
    [TestCase("--model", "resnet", "--model must be cnn, vit or camcnn")]
    [TestCase("--epochs", "0", "--epochs must be an integer in [1, 1000]")]
    [TestCase("--lr", "-1", "--lr must be a finite number greater than 0")]
    [TestCase("--seed", "x", "--seed must be an unsigned 64-bit integer")]
    [TestCase("--frob", "1", "Unrecognized command or argument '--frob'")]
    [TestCase("--data", "/no/such/folder", "does not exist")]
    public void BadArgumentsGiveAMessageAndExitCode2(string option, string value, string message)
    {
        string[] args = option == "--data" ? [option, value] : ["--data", _data, option, value];
        (int code, _, string stderr) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain(message));
    }

    [Test]
    public void TruncatedDataFileIsNamed()
    {
        string broken = Directory.CreateTempSubdirectory("mixaug-broken-").FullName;
        try
        {
            foreach (string file in Directory.GetFiles(_data))
            {
                File.Copy(file, Path.Combine(broken, Path.GetFileName(file)));
            }

            string images = Path.Combine(broken, "train-images-idx3-ubyte.gz");
            byte[] bytes = File.ReadAllBytes(images);
            File.WriteAllBytes(images, bytes[..(bytes.Length / 2)]);
            (int code, _, string stderr) = Run("--data", broken);
            Assert.That(code, Is.EqualTo(2));
            Assert.That(stderr, Does.Contain("train-images-idx3-ubyte.gz"));
        }
        finally
        {
            Directory.Delete(broken, recursive: true);
        }
    }

    private static (int Code, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = TrainApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
