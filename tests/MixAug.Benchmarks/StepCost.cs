using System.Diagnostics;
using MixAug.Planning;
using MixAug.Train;
using MixAug.TorchSharp.Features;
using MixAug.Training;
using MixAug.Training.Steps;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Benchmarks;

/// <summary>
/// What a training step costs with the steps that read the model (Manifold Mixup, gradient-saliency SaliencyMix) against
/// input Mixup, spectral-residual SaliencyMix and no mixing, on the training sample's small CNN
/// (the same layers as samples/MixAug.Train/SmallCnn.cs), and TransMix and SnapMix against input CutMix on the sample's
/// tiny ViT and CAM CNN (compiled in from the sample), with batches of 128 random 1x28x28 images: the whole step
/// (mixing, forward, backward, Adam), through <see cref="TrainingLoop"/>. Reports the process's CPU time and the wall
/// time per step, the median of <c>--repeats</c> runs of <c>--steps</c> steps, variants interleaved so that load from
/// other processes falls on all of them alike, and each variant's CPU time against its baseline (docs/training.md).
/// <c>--only a,b</c> keeps the variants whose names start with one of the prefixes (and their baselines).
/// </summary>
internal static class StepCost
{
    private static readonly string[] Layers = ["_layers.2", "_layers.5", "_layers.9"];

    public static int Run(string[] args)
    {
        int steps = int.TryParse(ValueAfter(args, "--steps"), out int s) ? s : 20;
        int repeats = int.TryParse(ValueAfter(args, "--repeats"), out int r) ? r : 3;
        torch.set_num_threads(Environment.ProcessorCount);
        var cutmix = new CutMix(alpha: 1.0);
        Variant[] all =
        [
            new("none", null, null, SmallCnn, "mixup (input)"),
            new("mixup (input)", new MixUp(alpha: 2.0), null, SmallCnn, "mixup (input)"),
            new("manifold, drawn", new MixUp(alpha: 2.0), new ManifoldMixupStep(Layers, mixInput: true), SmallCnn, "mixup (input)"),
            new("manifold at _layers.2", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.2"]), SmallCnn, "mixup (input)"),
            new("manifold at _layers.5", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.5"]), SmallCnn, "mixup (input)"),
            new("manifold at _layers.9", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.9"]), SmallCnn, "mixup (input)"),
            new("saliencymix (spectral)", new SaliencyMix(mode: LambdaMode.Element), null, SmallCnn, "mixup (input)"),
            new("saliencymix (gradient)", new SaliencyMix(mode: LambdaMode.Element, saliency: new GradientSaliency()), new GradientSaliencyStep(), SmallCnn, "mixup (input)"),
            new("vit: cutmix (input)", cutmix, null, () => new TinyVit(10), "vit: cutmix (input)"),
            new("vit: transmix", cutmix, new TransMixStep(), () => new TinyVit(10), "vit: cutmix (input)"),
            new("camcnn: cutmix (input)", cutmix, null, () => new CamCnn(10), "camcnn: cutmix (input)"),
            new("camcnn: snapmix", cutmix, new SnapMixStep(), () => new CamCnn(10), "camcnn: cutmix (input)"),
            new("camcnn: snapmix, own-size patches", new CutMix(alpha: 5.0, pairing: PairingStrategy.Permutation, partnerPatch: PartnerPatch.OwnSize), new SnapMixStep(), () => new CamCnn(10), "camcnn: cutmix (input)"),
        ];
        string[]? only = ValueAfter(args, "--only")?.Split(',');
        Variant[] variants = only is null
            ? all
            : [.. all.Where(v => only.Any(p => v.Name.StartsWith(p, StringComparison.Ordinal)) || all.Any(o => o.Baseline == v.Name && only.Any(p => o.Name.StartsWith(p, StringComparison.Ordinal))))];
        var cpu = variants.Select(_ => new List<double>()).ToArray();
        var wall = variants.Select(_ => new List<double>()).ToArray();
        Measure(variants[0], 3, out _, out _); // warm-up: JIT, libtorch's first kernels
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            for (int v = 0; v < variants.Length; v++)
            {
                Measure(variants[v], steps, out double cpuMs, out double wallMs);
                cpu[v].Add(cpuMs / steps);
                wall[v].Add(wallMs / steps);
            }
        }

        Console.WriteLine($"{Environment.ProcessorCount} threads, batch 128x1x28x28, {steps} steps x {repeats} repeats; median ms per step");
        Console.WriteLine($"{"variant",-24} {"CPU ms",8} {"wall ms",8} {"CPU vs baseline",16}  baseline");
        for (int v = 0; v < variants.Length; v++)
        {
            double c = Median(cpu[v]);
            int b = Array.FindIndex(variants, o => o.Name == variants[v].Baseline);
            Console.WriteLine($"{variants[v].Name,-24} {c,8:F1} {Median(wall[v]),8:F1} {(c / Median(cpu[b])) - 1,16:P1}  {variants[v].Baseline}");
        }

        return 0;
    }

    private static void Measure(Variant variant, int steps, out double cpuMs, out double wallMs)
    {
        random.manual_seed(1);
        using nn.Module<Tensor, Tensor> model = variant.Model();
        using var optimizer = optim.Adam(model.parameters(), 1e-3);
        var loop = new TrainingLoop(model, optimizer, 10)
        {
            Mix = new MixSchedule(variant.Mix),
            Step = variant.Step,
            Seed = 1,
        };
        using var process = Process.GetCurrentProcess();
        TimeSpan cpuBefore = process.TotalProcessorTime;
        var watch = Stopwatch.StartNew();
        loop.Run(_ => Batches(steps), epochs: 1);
        wallMs = watch.Elapsed.TotalMilliseconds;
        process.Refresh();
        cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
    }

    /// <summary>The sample's SmallCnn as a named Sequential inside a module, so the layer names are the sample's.</summary>
    private static nn.Module<Tensor, Tensor> SmallCnn() => new Wrapper(nn.Sequential(
        nn.Conv2d(1, 32, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten(),
        nn.Linear(64 * 7 * 7, 128), nn.ReLU(), nn.Dropout(0.25), nn.Linear(128, 10)));

    /// <summary>One measured configuration, and the variant its CPU time is compared with.</summary>
    private sealed record Variant(string Name, IMixTransform? Mix, ITrainingStep? Step, Func<nn.Module<Tensor, Tensor>> Model, string Baseline);

    private static IEnumerable<TrainingBatch> Batches(int count)
    {
        for (int i = 0; i < count; i++)
        {
            yield return new TrainingBatch(rand(128, 1, 28, 28), randint(10, [128], dtype: ScalarType.Int64));
        }
    }

    private static double Median(List<double> values)
    {
        double[] sorted = [.. values.Order()];
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string? ValueAfter(string[] args, string name)
    {
        int at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }

    private sealed class Wrapper : nn.Module<Tensor, Tensor>
    {
        private readonly nn.Module<Tensor, Tensor> _layers;

        public Wrapper(nn.Module<Tensor, Tensor> layers)
            : base("SmallCnn")
        {
            _layers = layers;
            RegisterComponents();
        }

        public override Tensor forward(Tensor input) => _layers.forward(input);
    }
}
