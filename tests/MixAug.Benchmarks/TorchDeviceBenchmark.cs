using System.Diagnostics;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Features;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Native;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.Benchmarks;

/// <summary>
/// Per-call times of TorchMixer on one device (<c>--device cpu|cuda</c>), 224x224 batches of 128 and 1024 by default,
/// each operation printed in milliseconds and as a ratio to <c>clone()</c> and to <c>copy_()</c> of the same batch on the
/// same device, measured in the same run (issue 14's targets are written as these ratios). Operations: MixUp with one λ
/// and with a λ per sample, CutMix with a box per sample, FMix with a noise image per sample, SaliencyMix (the mixing
/// call with a drawn plan, and the whole step: saliency on the device, the plan, the mixing), and float16 MixUp against
/// float16 clone and copy. On CUDA every timed block starts and ends with <c>torch.cuda.synchronize()</c>, so the time
/// is the device's.
/// </summary>
/// <remarks>
/// <para>On the CPU device, tensors go through the libtorch operations a GPU runs (so a CPU run exercises and times the
/// device formulation), or with <c>--cpu-kernels</c> through CpuMixer where it applies (what <c>TorchMixer.Apply</c>
/// does with a contiguous float32 CPU tensor). <c>ApplyInto</c> always takes its public route.</para>
/// <para>tests/MixAug.Benchmarks/gpu-benchmark.sh publishes this project self-contained and runs this mode on CUDA (with TorchSharp's CUDA
/// package or a PyTorch installation's libtorch; docs/performance-torchsharp.md).</para>
/// </remarks>
internal static class TorchDeviceBenchmark
{
    public static int Run(string[] args)
    {
        string deviceName = ValueAfter(args, "--device") ?? "cpu";
        int calls = int.TryParse(ValueAfter(args, "--calls"), out int c) ? c : 50;
        int warmups = int.TryParse(ValueAfter(args, "--warmups"), out int w) ? w : 5;
        int[] batches = ValueAfter(args, "--batches") is string list ? [.. list.Split(',').Select(int.Parse)] : [128, 1024];
        int size = int.TryParse(ValueAfter(args, "--size"), out int s) ? s : 224;
        TorchSharpLoadReport report = TorchSharpRuntime.EnsureLoadable();
        Console.WriteLine($"native: {report.Action}: {report.Message}");
        if (deviceName.StartsWith("cuda", StringComparison.Ordinal))
        {
            torch.InitializeDeviceType(DeviceType.CUDA);
            if (!torch.cuda.is_available())
            {
                Console.Error.WriteLine("torch.cuda.is_available() is false: TorchSharp loaded a libtorch without CUDA, or no GPU is visible.");
                return 2;
            }
        }

        var device = new torch.Device(deviceName);
        bool cpuKernels = device.type == DeviceType.CPU && args.Contains("--cpu-kernels");
        Console.WriteLine($"device {device}; {calls} timed calls after {warmups} warm-ups, mean per call; " +
            $"{(device.type == DeviceType.CPU ? cpuKernels ? "CPU tensors through CpuMixer where it applies" : "CPU tensors through the libtorch path (what a GPU runs)" : "synchronised before and after each block")}");
        Console.WriteLine($"{"batch",-22} {"operation",-34} {"ms",10} {"x clone",8} {"x copy_",8}");
        foreach (int b in batches)
        {
            var shape = new BatchShape(b, 3, size, size);
            RunBatch(shape, device, calls, warmups, cpuKernels);
        }

        return 0;
    }

    private static void RunBatch(BatchShape shape, torch.Device device, int calls, int warmups, bool cpuKernels)
    {
        var random = new MixRandom(2026);
        MixPlan mixupBatch = new MixUp(alpha: 1.0).CreatePlan(shape, random);
        MixPlan mixupElement = new MixUp(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
        MixPlan cutmixElement = new CutMix(alpha: 1.0, mode: LambdaMode.Element).CreatePlan(shape, random);
        MixPlan fmixElement = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup).CreatePlan(shape, random);
        var saliencyMix = new SaliencyMix(mode: LambdaMode.Element);
        using torch.Tensor x = torch.rand([shape.BatchSize, 3, shape.Height, shape.Width], device: device);
        using torch.Tensor half = x.to(torch.ScalarType.Float16);
        using torch.Tensor destination = torch.empty_like(x);
        using torch.Tensor halfDestination = torch.empty_like(half);
        MixPlan saliencyPlan = saliencyMix.CreatePlan(new MixRequest(shape, random, TorchFeatures.Compute(saliencyMix.Requirements, x)));
        torch.Tensor Mix(MixPlan plan, torch.Tensor t) => TorchMixer.Apply(plan, t, cpuKernels);

        double clone = Time(() => x.clone().Dispose(), device, calls, warmups);
        double copy = Time(() => destination.copy_(x), device, calls, warmups);
        Print(shape, "float32", "clone()", clone, clone, copy);
        Print(shape, "float32", "copy_() into a preallocated batch", copy, clone, copy);
        var operations = new (string Name, Action Body)[]
        {
            ("mixup, one lambda", () => Mix(mixupBatch, x).Dispose()),
            ("mixup, one lambda, ApplyInto", () => TorchMixer.ApplyInto(mixupBatch, x, destination)),
            ("mixup, a lambda per sample", () => Mix(mixupElement, x).Dispose()),
            ("cutmix, a box per sample", () => Mix(cutmixElement, x).Dispose()),
            ("fmix, a noise per sample", () => Mix(fmixElement, x).Dispose()),
            ("saliencymix, plan drawn", () => Mix(saliencyPlan, x).Dispose()),
            ("saliencymix, saliency+plan+mix", () =>
            {
                // The whole step: the saliency peaks come back to the host, since the plan is drawn there.
                MixPlan plan = saliencyMix.CreatePlan(new MixRequest(shape, new MixRandom(1), TorchFeatures.Compute(saliencyMix.Requirements, x)));
                Mix(plan, x).Dispose();
            }),
        };
        foreach ((string name, Action body) in operations)
        {
            Print(shape, "float32", name, Time(body, device, calls, warmups), clone, copy);
        }

        double halfClone = Time(() => half.clone().Dispose(), device, calls, warmups);
        double halfCopy = Time(() => halfDestination.copy_(half), device, calls, warmups);
        Print(shape, "float16", "clone()", halfClone, halfClone, halfCopy);
        Print(shape, "float16", "copy_() into a preallocated batch", halfCopy, halfClone, halfCopy);
        Print(shape, "float16", "mixup, one lambda", Time(() => Mix(mixupBatch, half).Dispose(), device, calls, warmups), halfClone, halfCopy);
        Print(shape, "float16", "mixup, a lambda per sample", Time(() => Mix(mixupElement, half).Dispose(), device, calls, warmups), halfClone, halfCopy);
    }

    private static double Time(Action body, torch.Device device, int calls, int warmups)
    {
        for (int i = 0; i < warmups; i++)
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
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
    }

    private static void Print(BatchShape shape, string dtype, string name, double ms, double clone, double copy) =>
        Console.WriteLine($"{$"{shape.BatchSize}x3x{shape.Height}x{shape.Width} {dtype}",-22} {name,-34} {ms,10:F3} {ms / clone,8:F2} {ms / copy,8:F2}");

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
