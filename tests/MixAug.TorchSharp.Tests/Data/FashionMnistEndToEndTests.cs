using MixAug.DataLoading;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// TorchSharp's DataLoader over TorchVision's own FashionMNIST dataset, read from tiny IDX files written here, with
/// MixCollate; and the documented sample trained on them.
/// </summary>
public sealed class FashionMnistEndToEndTests
{
    private string _root = null!;

    [OneTimeSetUp]
    public void WriteData() => _root = TinyFashionMnist.Write(train: 100, test: 40, seed: 3);

    [OneTimeTearDown]
    public void DeleteData() => Directory.Delete(_root, recursive: true);

    [Test]
    public void TorchVisions_samples_are_float32_bytes_over_256_with_0_dim_int64_labels()
    {
        using var data = torchvision.datasets.FashionMNIST(_root, train: true, download: false);
        byte[] file = File.ReadAllBytes(Path.Combine(_root, "fashion-mnist", "test_data", "train-images-idx3-ubyte"));
        byte[] labels = File.ReadAllBytes(Path.Combine(_root, "fashion-mnist", "test_data", "train-labels-idx1-ubyte"));
        Assert.That(data.Count, Is.EqualTo(100));
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> sample = data.GetTensor(7);
        Assert.That(sample.Keys, Is.EquivalentTo(new[] { "data", "label" }));
        Assert.That(sample["data"].dtype, Is.EqualTo(ScalarType.Float32));
        Assert.That(sample["data"].shape, Is.EqualTo(new long[] { 1, 28, 28 }));
        Assert.That(sample["label"].dtype, Is.EqualTo(ScalarType.Int64));
        Assert.That(sample["label"].shape, Is.Empty);
        Assert.That(sample["label"].item<long>(), Is.EqualTo(labels[8 + 7]));
        double[] expected = [.. file.Skip(16 + (7 * 784)).Take(784).Select(b => b / 256.0)];
        Assert.That(Loaders.Values(sample["data"]), Is.EqualTo(expected), "bytes / 256, not / 255: the largest value is 255/256");
    }

    [Test]
    public void Shuffled_batches_from_two_workers_are_the_plain_batches_mixed_by_their_plans()
    {
        using var data = torchvision.datasets.FashionMNIST(_root, train: true, download: false);
        List<(Tensor Images, Tensor Labels)> plain = Loaders.PlainBatches(data, 32, shuffle: true);
        var policy = new MixChoice((new MixUp(alpha: 0.8), 1), (new CutMix(), 1), (new FMix(), 1));
        var collate = new MixCollate(policy, 2026, classCount: 10, smoothing: 0.1);
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, 32, shuffle: true, workers: 2);
        try
        {
            Assert.That(plain.Select(b => b.Images.shape[0]), Is.EqualTo(new long[] { 32, 32, 32, 4 }));
            for (int epoch = 0; epoch < 2; epoch++)
            {
                collate.StartEpoch(epoch);
                int k = 0;
                foreach (Dictionary<string, Tensor> batch in loader)
                {
                    using Loaders.Expected expected = Loaders.Expect(policy, 2026, epoch, k, plain[k].Images, plain[k].Labels, 10, 0.1);
                    Assert.That(Loaders.Values(batch["data"]), Is.EqualTo(Loaders.Values(expected.Images)), $"epoch {epoch} batch {k}");
                    Assert.That(Loaders.Values(batch[MixBatchKeys.Targets]), Is.EqualTo(Loaders.Values(expected.Targets)), $"epoch {epoch} batch {k}");
                    Assert.That(Loaders.Values(batch["label"]), Is.EqualTo(Loaders.Values(plain[k].Labels)));
                    k++;
                }

                Assert.That(k, Is.EqualTo(4));
            }
        }
        finally
        {
            plain.ForEach(b => { b.Images.Dispose(); b.Labels.Dispose(); });
        }
    }

    [Test]
    public void The_documented_sample_trains_and_records_every_plan()
    {
        TrainingResult result = FashionMnistMixing.Train(_root, epochs: 8, batchSize: 16, seed: 42);

        TestContext.Progress.WriteLine($"losses {string.Join(", ", result.EpochLosses.Select(l => l.ToString("F3")))}; test accuracy {result.TestAccuracy:P1}");
        Assert.That(result.EpochLosses, Has.Length.EqualTo(8).And.All.Matches<double>(double.IsFinite));
        Assert.That(result.EpochLosses[^1], Is.LessThan(result.EpochLosses[0] * 0.8), "the loss falls");
        Assert.That(result.TestAccuracy, Is.GreaterThan(0.5), "ten classes: chance is 0.1");

        // 100 images in batches of 16: six of 16 and one of 4, per epoch, each with the plan of ForBatch(42, epoch, k).
        Assert.That(result.Plans.Select(p => (p.Epoch, p.BatchIndex)), Is.EqualTo(Enumerable.Range(0, 8).SelectMany(e => Enumerable.Range(0, 7).Select(k => ((long)e, (long)k)))));
        var policy = new MixChoice((new MixUp(alpha: 0.8), 1.0), (new CutMix(alpha: 1.0), 1.0));
        foreach (MixBatchRecord record in result.Plans)
        {
            var shape = new BatchShape(record.BatchIndex == 6 ? 4 : 16, 1, 28, 28);
            MixPlan expected = policy.CreatePlan(shape, MixRandom.ForBatch(42, record.Epoch, record.BatchIndex));
            Assert.That(record.ToJson(), Is.EqualTo(MixPlanJson.Serialize(expected)), $"epoch {record.Epoch} batch {record.BatchIndex}");
        }
    }

    [Test]
    public void The_documented_MixLayer_sample_trains_on_the_batches_device()
    {
        double[] losses = MixAfterTheLoader.Train(_root, CPU, epochs: 8, batchSize: 16, seed: 7);

        TestContext.Progress.WriteLine($"MixLayer losses {string.Join(", ", losses.Select(l => l.ToString("F3")))}");
        Assert.That(losses, Has.Length.EqualTo(8).And.All.Matches<double>(double.IsFinite));
        Assert.That(losses[^1], Is.LessThan(losses[0] * 0.8), "the loss falls");
    }

    [Test]
    public void The_sample_program_names_the_missing_files_and_prints_its_results()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string empty = Directory.CreateTempSubdirectory("mixaug-empty-").FullName;
        try
        {
            Assert.That(DataLoadingApp.Run([empty], stdout, stderr), Is.EqualTo(2));
            Assert.That(stderr.ToString(), Does.Contain("fashion-mnist/test_data/train-images-idx3-ubyte").And.Contain("gunzip"));
            Assert.That(DataLoadingApp.Run([_root, "zero"], stdout, stderr), Is.EqualTo(2));
            Assert.That(stderr.ToString(), Does.Contain("usage: MixAug.DataLoading ROOT [EPOCHS]"));
        }
        finally
        {
            Directory.Delete(empty);
        }

        Assert.That(DataLoadingApp.Run([_root, "1"], stdout, stderr), Is.EqualTo(0));
        string[] lines = stdout.ToString().ReplaceLineEndings("\n").TrimEnd().Split('\n');
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[0], Does.Match(@"^epoch 0: mean loss \d\.\d{4}$"));
        Assert.That(lines[1], Does.Match(@"^test accuracy \d+\.\d\d ?%; 1 mixed batch$"), "100 images in one batch of the default 128");
        Assert.That(lines[2], Does.Match(@"^last plan \((MixUp|CutMix) plan for 100 samples of 28x28: .*\): \d+ characters of JSON$"));
    }
}
