using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.Benchmarks;

/// <summary>
/// Per-call times of TorchMixer on one device (<c>--device cpu|cuda</c>) for 128x3x224x224 and 1024x3x224x224 float32
/// batches, batch and per-element lambda modes, against a clone and <c>torch.lerp</c> on the same device: the table
/// docs/performance-torchsharp.md asks for. On CUDA each timed block ends with a synchronisation.
/// </summary>
/// <remarks>To run on a PyTorch installation's CUDA libtorch, set <c>MIXAUG_LIBTORCHSHARP</c> to the
/// libLibTorchSharp.so published next to the benchmark and <c>LD_LIBRARY_PATH</c> to torch's lib folder (see the doc).</remarks>
internal static class TorchDeviceBenchmark
{
    public static int Run(string[] args)
    {
        string deviceName = ValueAfter(args, "--device") ?? "cpu";
        int calls = int.TryParse(ValueAfter(args, "--calls"), out int c) ? c : 50;
        int[] batches = ValueAfter(args, "--batches") is string list ? [.. list.Split(',').Select(int.Parse)] : [128, 1024];
        TorchSharpLoadReport report = TorchSharpRuntime.EnsureLoadable();
        Console.WriteLine($"native: {report.Action}: {report.Message}");
        if (deviceName.StartsWith("cuda", StringComparison.Ordinal))
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
        }

        var device = new torch.Device(deviceName);
        Console.WriteLine($"device {device}, {calls} timed calls after 5 warm-ups, mean ms per call");
        Console.WriteLine($"{"batch",-18} {"operation",-26} {"ms",9}");
        foreach (int b in batches)
        {
            var shape = new BatchShape(b, 3, 224, 224);
            var random = new MixRandom(2026);
            MixPlan batchPlan = new MixUp(alpha: 1.0).CreatePlan(shape, random);
            MixPlan elemPlan = new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
            MixPlan cutmixBatch = new CutMix(alpha: 1.0).CreatePlan(shape, random);
            MixPlan cutmixElem = new CutMix(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
            using torch.Tensor x = torch.rand([b, 3, 224, 224], device: device);
            using torch.Tensor flipped = x.flip(0);
            using torch.Tensor destination = torch.empty_like(x);
            using torch.Tensor weight = torch.full([1], 0.3f, device: device);
            var operations = new (string Name, Action Body)[]
            {
                ("clone", () => x.clone().Dispose()),
                ("lerp (x, x.flip(0), w)", () => torch.lerp(x, flipped, weight).Dispose()),
                ("mixup batch", () => TorchMixer.Apply(batchPlan, x).Dispose()),
                ("mixup batch, into", () => TorchMixer.ApplyInto(batchPlan, x, destination)),
                ("mixup elem", () => TorchMixer.Apply(elemPlan, x).Dispose()),
                ("cutmix batch", () => TorchMixer.Apply(cutmixBatch, x).Dispose()),
                ("cutmix elem", () => TorchMixer.Apply(cutmixElem, x).Dispose()),
            };
            foreach ((string name, Action body) in operations)
            {
                for (int i = 0; i < 5; i++)
                {
                    body();
                }

                Synchronize(device);
                long start = Stopwatch.GetTimestamp();
                for (int i = 0; i < calls; i++)
                {
                    body();
                }

                Synchronize(device);
                double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
                Console.WriteLine($"{shape,-18} {name,-26} {ms,9:F3}");
            }
        }

        return 0;
    }

    private static void Synchronize(torch.Device device)
    {
        if (device.type == DeviceType.CUDA)
        {
            torch.cuda.synchronize();
        }
    }

    private static string? ValueAfter(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}
