using BenchmarkDotNet.Running;
using MixAug.Benchmarks;

// --quick: one process, ratios to a plain copy (the numbers the issues' targets are written in).
// Anything else goes to BenchmarkDotNet (for example: --filter '*').
if (args.Contains("--profile-masks"))
{
    return MaskProfile.Run();
}

// --collate-sequences: MixCollate on 32 spectrograms of 500-1000 frames, padded and mixed with lengths (docs/sequences.md).
if (args.Contains("--collate-sequences"))
{
    return SequenceCollateBenchmark.Run();
}

// --profile-gridsmooth [prefix]: the parts of GridMix, SmoothMix and label-map mixing timed apart (ratios to a copy).
if (args.Contains("--profile-gridsmooth"))
{
    int at = Array.IndexOf(args, "--profile-gridsmooth");
    return GridSmoothProfile.Run(at + 1 < args.Length ? args[at + 1] : null);
}

// --spin-mosaic, --spin-resizemix, --spin-fmix: Mosaic, ResizeMix or FMix applied on one thread for 15 seconds, to
// sample with perf (docs/performance.md).
if (args.FirstOrDefault(a => a is "--spin-mosaic" or "--spin-resizemix" or "--spin-fmix") is { } spin)
{
    return ResampleProfile.Spin(spin["--spin-".Length..]);
}

// --profile-resample: Mosaic's and ResizeMix's passes timed alone on one thread (docs/performance.md).
if (args.Contains("--profile-resample"))
{
    return ResampleProfile.Run();
}

// --collate [--large]: what MixCollate costs beside plain stacking, batch of 128 Fashion-MNIST-sized samples (and of 64
// ImageNet-sized ones) (docs/torchsharp.md).
if (args.Contains("--collate"))
{
    return CollateBenchmark.Run(large: args.Contains("--large"));
}

// --torch-device: per-call times of the TorchSharp backend on one device (--device cpu|cuda), for CPU or GPU runs.
if (args.Contains("--torch-device"))
{
    return TorchDeviceBenchmark.Run(args);
}

// --scalar-race: TorchSharp 0.107's temporary Scalars freed by the finalizer during a call, shown on Tensor.add(Tensor)
// under constant collection, against the same add with a kept alpha (docs/torchsharp.md).
if (args.Contains("--scalar-race"))
{
    return UnderCollection.ScalarRace();
}

// --scalar-race-mixaug [SECONDS]: the same, on MixAug.TorchSharp's own blends and losses (docs/torchsharp.md).
if (args.Contains("--scalar-race-mixaug"))
{
    return UnderCollection.MixAugRace(args);
}

// --step-cost: CPU and wall time per training step of Manifold Mixup and gradient saliency against input mixing
// (docs/training.md).
if (args.Contains("--step-cost"))
{
    return StepCost.Run(args);
}

if (args.Contains("--quick"))
{
    return QuickBenchmark.Run(args);
}

BenchmarkSwitcher.FromAssembly(typeof(QuickBenchmark).Assembly).Run(args.Length == 0 ? ["--filter", "*"] : args);
return 0;
