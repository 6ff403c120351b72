using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Native;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Benchmarks;

/// <summary>
/// --collate: what a <see cref="MixCollate"/> call costs beside plain stacking, for one batch of 128 Fashion-MNIST-like
/// samples (<c>[1, 28, 28]</c> float32 in [0, 1) and an int64 label; uint8 for the byte rows) on the CPU, with one
/// libtorch thread: the fastest and the median of 9 rounds of 100 calls, in microseconds (the table of
/// docs/torchsharp.md, "Cost"); with --large also 64 ImageNet-sized samples ([3, 224, 224]), 9 rounds of 5 calls.
/// </summary>
internal static class CollateBenchmark
{
    private const int BatchSize = 128;
    private const int Classes = 10;

    public static int Run(bool large)
    {
        TorchSharpRuntime.EnsureLoadable();
        torch.set_num_threads(1);
        var random = new MixRandom(2026);
        List<Dictionary<string, Tensor>> floats = Samples(random, ScalarType.Float32);
        List<Dictionary<string, Tensor>> bytes = Samples(random, ScalarType.Byte);
        var rows = new (string Name, List<Dictionary<string, Tensor>> Samples, Func<IEnumerable<Dictionary<string, Tensor>>, Device, Dictionary<string, Tensor>> Collate)[]
        {
            ("stack only (TorchSharp's collate)", floats, Stack),
            ("MixUp, one lambda per batch", floats, new MixCollate(new MixUp(0.8), 1, Classes).Collate),
            ("MixUp, one lambda per sample", floats, new MixCollate(new MixUp(0.8, mode: LambdaMode.Element), 1, Classes).Collate),
            ("CutMix, one box per batch", floats, new MixCollate(new CutMix(), 1, Classes).Collate),
            ("CutMix, one box per sample", floats, new MixCollate(new CutMix(mode: LambdaMode.Element), 1, Classes).Collate),
            ("FMix, a mask per sample", floats, new MixCollate(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup), 1, Classes).Collate),
            ("SaliencyMix, a box per sample", floats, new MixCollate(new SaliencyMix(mode: LambdaMode.Element), 1, Classes).Collate),
            ("MixChoice(MixUp, CutMix)", floats, new MixCollate(new MixChoice((new MixUp(0.8), 0.5), (new CutMix(), 0.5)), 1, Classes).Collate),
            ("CutMix, uint8 -> float32", bytes, new MixCollate(new CutMix(mode: LambdaMode.Element), 1, Classes).Collate),
            ("CutMix, uint8 kept", bytes, new MixCollate(new CutMix(mode: LambdaMode.Element), 1, Classes, options: new MixCollateOptions { ByteImages = ByteImages.Keep }).Collate),
        };
        Console.WriteLine($"batch of {BatchSize} samples [1, 28, 28], CPU, 1 libtorch thread: 9 rounds of 100 calls, microseconds per call");
        Print(rows, callsPerRound: 100);
        if (large)
        {
            // ImageNet-sized: the batch is past the caches, and each new batch tensor is fresh memory.
            List<Dictionary<string, Tensor>> images = Samples(random, ScalarType.Float32, count: 64, [3, 224, 224]);
            var largeRows = new (string Name, List<Dictionary<string, Tensor>> Samples, Func<IEnumerable<Dictionary<string, Tensor>>, Device, Dictionary<string, Tensor>> Collate)[]
            {
                ("stack only (TorchSharp's collate)", images, Stack),
                ("MixUp, one lambda per batch", images, new MixCollate(new MixUp(0.8), 1, Classes).Collate),
                ("CutMix, one box per sample", images, new MixCollate(new CutMix(mode: LambdaMode.Element), 1, Classes).Collate),
            };
            Console.WriteLine();
            Console.WriteLine("batch of 64 samples [3, 224, 224] float32 (38.5 MB), CPU, 1 libtorch thread: 9 rounds of 5 calls, microseconds per call");
            Print(largeRows, callsPerRound: 5);
        }

        return 0;
    }

    /// <summary>Times each row: a warm-up of half a second at least, then 9 rounds; prints the fastest and the median per call.</summary>
    internal static void Print(
        IEnumerable<(string Name, List<Dictionary<string, Tensor>> Samples, Func<IEnumerable<Dictionary<string, Tensor>>, Device, Dictionary<string, Tensor>> Collate)> rows,
        int callsPerRound)
    {
        Console.WriteLine($"{"collate",-36} {"fastest",9} {"median",9}");
        foreach ((string name, List<Dictionary<string, Tensor>> samples, var collate) in rows)
        {
            // Tiered compilation replaces the first code after some calls.
            var warm = Stopwatch.StartNew();
            for (int i = 0; i < 20 || warm.ElapsedMilliseconds < 500; i++)
            {
                Dispose(collate(samples, CPU));
            }

            var rounds = new double[9];
            for (int r = 0; r < rounds.Length; r++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < callsPerRound; i++)
                {
                    Dispose(collate(samples, CPU));
                }

                rounds[r] = Stopwatch.GetElapsedTime(start).TotalMicroseconds / callsPerRound;
            }

            Array.Sort(rounds);
            Console.WriteLine($"{name,-36} {rounds[0],9:F0} {rounds[4],9:F0}");
        }
    }

    private static List<Dictionary<string, Tensor>> Samples(MixRandom random, ScalarType type, int count = BatchSize, long[]? shape = null)
    {
        shape ??= [1, 28, 28];
        var samples = new List<Dictionary<string, Tensor>>(count);
        for (int i = 0; i < count; i++)
        {
            float[] pixels = [.. Enumerable.Range(0, (int)shape.Aggregate(1L, (a, d) => a * d)).Select(_ => (float)random.NextDouble())];
            Tensor data = tensor(pixels, shape);
            samples.Add(new Dictionary<string, Tensor>
            {
                ["data"] = type == ScalarType.Byte ? data.mul(255).to(ScalarType.Byte) : data,
                ["label"] = tensor((long)random.NextInt(Classes)),
            });
        }

        return samples;
    }

    /// <summary>What TorchSharp's DataLoader does without a collate function: each key's tensors stacked.</summary>
    /// <summary>TorchSharp 0.107's own DataLoader collate, line for line: the unsqueezed samples concatenated inside a
    /// dispose scope, moved only when the device differs, so no intermediate is left for the finaliser.</summary>
    private static Dictionary<string, Tensor> Stack(IEnumerable<Dictionary<string, Tensor>> samples, Device device)
    {
        using var scope = NewDisposeScope();
        var list = samples.ToList();
        var batch = new Dictionary<string, Tensor>();
        foreach (string key in list[0].Keys)
        {
            Tensor t = cat(list.Select(s => s[key].unsqueeze(0)).ToArray(), 0);
            if (t.device_type != device.type || t.device_index != device.index)
            {
                t = t.to(device);
            }

            batch[key] = t.MoveToOuterDisposeScope();
        }

        return batch;
    }

    private static void Dispose(Dictionary<string, Tensor> batch)
    {
        foreach (Tensor t in batch.Values)
        {
            t.Dispose();
        }
    }
}
