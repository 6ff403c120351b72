using System.Diagnostics;
using MixAug.Planning;
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
/// (the same layers as samples/MixAug.Train/SmallCnn.cs) and batches of 128 random 1x28x28 images: the whole step
/// (mixing, forward, backward, Adam), through <see cref="TrainingLoop"/>. Reports the process's CPU time and the wall
/// time per step, the median of <c>--repeats</c> runs of <c>--steps</c> steps, variants interleaved so that load from
/// other processes falls on all of them alike (docs/training.md).
/// </summary>
internal static class StepCost
{
    private static readonly string[] Layers = ["_layers.2", "_layers.5", "_layers.9"];

    public static int Run(string[] args)
    {
        int steps = int.TryParse(ValueAfter(args, "--steps"), out int s) ? s : 20;
        int repeats = int.TryParse(ValueAfter(args, "--repeats"), out int r) ? r : 3;
        torch.set_num_threads(Environment.ProcessorCount);
        (string Name, IMixTransform? Mix, ITrainingStep? Step)[] variants =
        [
            ("none", null, null),
            ("mixup (input)", new MixUp(alpha: 2.0), null),
            ("manifold, drawn", new MixUp(alpha: 2.0), new ManifoldMixupStep(Layers, mixInput: true)),
            ("manifold at _layers.2", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.2"])),
            ("manifold at _layers.5", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.5"])),
            ("manifold at _layers.9", new MixUp(alpha: 2.0), new ManifoldMixupStep(["_layers.9"])),
            ("saliencymix (spectral)", new SaliencyMix(mode: LambdaMode.Element), null),
            ("saliencymix (gradient)", new SaliencyMix(mode: LambdaMode.Element, saliency: new GradientSaliency()), new GradientSaliencyStep()),
        ];
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
        Console.WriteLine($"{"variant",-24} {"CPU ms",8} {"wall ms",8} {"CPU vs mixup",13}");
        double mixupCpu = Median(cpu[1]);
        for (int v = 0; v < variants.Length; v++)
        {
            double c = Median(cpu[v]);
            Console.WriteLine($"{variants[v].Name,-24} {c,8:F1} {Median(wall[v]),8:F1} {(c / mixupCpu) - 1,13:P1}");
        }

        return 0;
    }

    private static void Measure((string Name, IMixTransform? Mix, ITrainingStep? Step) variant, int steps, out double cpuMs, out double wallMs)
    {
        random.manual_seed(1);
        using var model = SmallCnn();
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
