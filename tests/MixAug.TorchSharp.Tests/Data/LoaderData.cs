using System.Buffers.Binary;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Labels;
using MixAug.TorchSharp.Mixing;
using TorchSharp;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// A map-style dataset of tensors made once: <c>GetTensor</c> returns the same tensors in a fresh dictionary, as
/// TorchVision's datasets do, so a loader's worker threads create no tensor of their own.
/// </summary>
internal sealed class InMemoryDataset : torch.utils.data.Dataset
{
    private readonly List<Dictionary<string, Tensor>> _items;

    public InMemoryDataset(List<Dictionary<string, Tensor>> items)
    {
        _items = items;
    }

    public override long Count => _items.Count;

    public override Dictionary<string, Tensor> GetTensor(long index) => new(_items[(int)index]);

    /// <summary>
    /// <paramref name="count"/> samples <c>[channels, height, width]</c> with values spread over [-2, 2) (or bytes for
    /// uint8), labels <c>i·7 mod classes</c> as 0-dim int64, under the keys "data" and "label".
    /// </summary>
    public static InMemoryDataset Images(int count, int channels, int height, int width, int classCount, ScalarType dtype = ScalarType.Float32, ulong seed = 5)
    {
        var random = new MixRandom(seed);
        var items = new List<Dictionary<string, Tensor>>();
        for (int i = 0; i < count; i++)
        {
            var values = new float[channels * height * width];
            for (int p = 0; p < values.Length; p++)
            {
                values[p] = dtype == ScalarType.Byte ? random.NextInt(256) : (float)((random.NextDouble() * 4.0) - 2.0);
            }

            using Tensor floats = tensor(values, [channels, height, width], ScalarType.Float32);
            items.Add(new Dictionary<string, Tensor>
            {
                ["data"] = floats.to(dtype),
                ["label"] = tensor((long)(i * 7 % classCount)),
            });
        }

        return new InMemoryDataset(items);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (Tensor t in _items.SelectMany(item => item.Values))
            {
                t.Dispose();
            }
        }
    }
}

/// <summary>Loaders and expected batches for the collate tests.</summary>
internal static class Loaders
{
    /// <summary>TorchSharp's loader with the given collate function, leaving the dataset to the test.</summary>
    public static DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> With(
        torch.utils.data.Dataset dataset,
        Func<IEnumerable<Dictionary<string, Tensor>>, Device, Dictionary<string, Tensor>> collate,
        int batchSize,
        bool shuffle = false,
        int workers = 1,
        bool dropLast = false) =>
        new(dataset, batchSize, collate, shuffle, device: CPU, seed: shuffle ? 17 : null, num_worker: workers, drop_last: dropLast, disposeBatch: true, disposeDataset: false);

    /// <summary>
    /// Every tensor of every batch of two epochs of a shuffled loader over <paramref name="dataset"/> with a fresh
    /// collate from <paramref name="collate"/>, key by key in ordinal order, as doubles; asserts that each batch was
    /// disposed by the loader's next step.
    /// </summary>
    public static List<double[]> ValuesOfTwoEpochs(torch.utils.data.Dataset dataset, Func<MixCollate> collate, int batchSize, int workers)
    {
        MixCollate made = collate();
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = With(dataset, made.Collate, batchSize, shuffle: true, workers: workers);
        var values = new List<double[]>();
        for (int epoch = 0; epoch < 2; epoch++)
        {
            made.StartEpoch(epoch);
            Dictionary<string, Tensor>? previous = null;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                Assert.That(previous?.Values.All(t => t.IsInvalid) ?? true, Is.True, "the previous batch, every key included, was disposed by MoveNext");
                values.AddRange(batch.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => Values(p.Value)));
                previous = batch;
            }
        }

        return values;
    }

    /// <summary>The plain batches of a loader with TorchSharp's default collate, cloned so they outlive the loader.</summary>
    public static List<(Tensor Images, Tensor Labels)> PlainBatches(torch.utils.data.Dataset dataset, int batchSize, bool shuffle = false, bool dropLast = false)
    {
        using var loader = new DataLoader(dataset, batchSize, shuffle, device: CPU, seed: shuffle ? 17 : null, drop_last: dropLast, disposeBatch: true, disposeDataset: false);
        var batches = new List<(Tensor, Tensor)>();
        foreach (Dictionary<string, Tensor> batch in loader)
        {
            batches.Add((batch["data"].clone().DetachFromDisposeScope(), batch["label"].clone().DetachFromDisposeScope()));
        }

        return batches;
    }

    /// <summary>What batch k of epoch e must hold: the plan of ForBatch(seed, e, k) applied by TorchMixer and TorchLabelMixer.</summary>
    public static Expected Expect(IMixTransform policy, ulong seed, long epoch, long batch, Tensor images, Tensor labels, int classCount, double smoothing)
    {
        BatchShape shape = BatchShape.FromDimensions([.. images.shape.Select(d => (int)d)]);
        BatchFeatures features = TorchFeatures.Compute(policy.Requirements, images);
        MixPlan plan = policy.CreatePlan(new MixRequest(shape, MixRandom.ForBatch(seed, epoch, batch), features));
        return new Expected(plan, TorchMixer.Apply(plan, images), TorchLabelMixer.ToSoftTargets(plan, labels, classCount, smoothing));
    }

    /// <summary>A batch's expected plan and tensors (dispose it).</summary>
    public sealed record Expected(MixPlan Plan, Tensor Images, Tensor Targets) : IDisposable
    {
        public void Dispose()
        {
            Images.Dispose();
            Targets.Dispose();
        }
    }

    /// <summary>The values of a tensor of any dtype as doubles, for exact comparisons with readable failures.</summary>
    public static double[] Values(Tensor t)
    {
        using Tensor flat = t.detach().cpu().to(ScalarType.Float64).contiguous().reshape(-1);
        return flat.data<double>().ToArray();
    }
}

/// <summary>
/// Writes a tiny Fashion-MNIST in the layout TorchSharp's <c>torchvision.datasets.FashionMNIST(root, train,
/// download: false)</c> reads: <c>root/fashion-mnist/test_data/{train,t10k}-{images-idx3,labels-idx1}-ubyte</c>, raw
/// (not gzip: without download the dataset does not decompress). Class k is bright in the row band 2k + 4 .. 2k + 6, so
/// a small model can learn it.
/// </summary>
internal static class TinyFashionMnist
{
    public static string Write(int train, int test, ulong seed)
    {
        string root = Directory.CreateTempSubdirectory("mixaug-dataloader-").FullName;
        string folder = Path.Combine(root, "fashion-mnist", "test_data");
        Directory.CreateDirectory(folder);
        var random = new MixRandom(seed);
        foreach ((string prefix, int n) in new[] { ("train", train), ("t10k", test) })
        {
            var labels = new byte[n];
            var pixels = new byte[n * 28 * 28];
            for (int i = 0; i < n; i++)
            {
                int label = random.NextInt(10);
                labels[i] = (byte)label;
                for (int p = 0; p < 28 * 28; p++)
                {
                    int row = p / 28;
                    bool band = row >= (label * 2) + 4 && row < (label * 2) + 7;
                    pixels[(i * 784) + p] = (byte)((band ? 180 : 20) + random.NextInt(60));
                }
            }

            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-images-idx3-ubyte"), Encode([n, 28, 28], pixels));
            File.WriteAllBytes(Path.Combine(folder, $"{prefix}-labels-idx1-ubyte"), Encode([n], labels));
        }

        return root;
    }

    /// <summary>An IDX file of unsigned bytes: two zero bytes, type 0x08, the rank, each extent big-endian, the values.</summary>
    public static byte[] Encode(int[] dims, byte[] data)
    {
        var bytes = new byte[4 + (4 * dims.Length) + data.Length];
        bytes[2] = 0x08;
        bytes[3] = (byte)dims.Length;
        for (int d = 0; d < dims.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + (4 * d)), dims[d]);
        }

        data.CopyTo(bytes, 4 + (4 * dims.Length));
        return bytes;
    }
}
