using MixAug.Planning;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Benchmarks;

/// <summary>
/// Runs TorchSharp code while another thread collects and finalizes without pause. TorchSharp 0.107 passes a
/// <c>Scalar</c>'s native handle to libtorch and keeps no reference to the object during the call, and a <c>Scalar</c>
/// frees its handle in its finalizer, so a collection on another thread during the call can free the scalar libtorch is
/// reading ("Expected false to be true" from <c>Scalar::toFloat</c>). --scalar-race shows it on TorchSharp's own
/// <c>Tensor.add(Tensor)</c>, which makes its alpha of 1 a temporary, against the same add with a kept alpha
/// (docs/torchsharp.md).
/// </summary>
internal static class UnderCollection
{
    /// <summary>--scalar-race: 8-element adds for up to 10 s each while another thread collects and finalizes, with
    /// TorchSharp's temporary alpha and with one kept for the process.</summary>
    public static int ScalarRace()
    {
        MixAug.TorchSharp.Native.TorchSharpRuntime.EnsureLoadable();
        using Tensor a = ones(8), b = ones(8);
        using Scalar one = 1.ToScalar();
        var budget = TimeSpan.FromSeconds(10);
        foreach ((string name, Func<Tensor> add) in new (string, Func<Tensor>)[] { ("a.add(b), alpha a temporary", () => a.add(b)), ("a.add(b, one), alpha kept", () => a.add(b, one)) })
        {
            long calls = 0;
            var clock = System.Diagnostics.Stopwatch.StartNew();
            Exception? failure = Run(() =>
            {
                using Tensor sum = add();
                calls++;
            }, budget);
            Console.WriteLine(failure is null
                ? $"{name}: {calls} calls in {clock.Elapsed.TotalSeconds:F1} s, no failure"
                : $"{name}: failed after {calls} calls ({clock.Elapsed.TotalSeconds:F2} s): {failure.Message.Split('\n')[0]}");
        }

        return 0;
    }

    /// <summary>--scalar-race-mixaug [SECONDS]: MixAug.TorchSharp's own paths that passed temporary Scalars before they were
    /// kept (a Mixup blend on the libtorch path, the mixed, decoupled and accuracy losses, the dense pair loss) on tiny
    /// tensors, then TorchSharp's Adam, AdamW and SGD and MixAug.Training's kept-scalar twins, each under the same constant
    /// collection for SECONDS (60 by default) or until it fails.</summary>
    public static int MixAugRace(string[] args)
    {
        MixAug.TorchSharp.Native.TorchSharpRuntime.EnsureLoadable();
        int at = Array.IndexOf(args, "--scalar-race-mixaug");
        double seconds = at + 1 < args.Length && double.TryParse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture, out double s) ? s : 60;
        var shape = new BatchShape(8, 1, 4, 4);
        MixPlan plan = new MixUp(alpha: 1.0).CreatePlan(shape, new MixAug.Randomness.MixRandom(1));
        MixPlan cutmix = new CutMix().CreatePlan(shape, new MixAug.Randomness.MixRandom(2));
        // float64 images take the libtorch path (float32 on the CPU takes MixAug's own kernels, which pass no Scalar).
        using Tensor images = randn([8, 1, 4, 4], ScalarType.Float64), logits = randn(8, 3), labels = tensor(new long[] { 0, 1, 2, 0, 1, 2, 0, 1 });
        using Tensor denseLogits = randn(8, 3, 4, 4), maps = randint(0, 3, [8, 4, 4], ScalarType.Int64);
        MixAug.TorchSharp.Labels.CompactTargetTensors targets = MixAug.TorchSharp.Labels.TorchLabelMixer.ToCompact(plan, labels, 3);
        MixAug.TorchSharp.Labels.LabelMapPairTensors pairs = MixAug.TorchSharp.Labels.TorchLabelMapMixer.ToPairs(cutmix, maps);
        long steps = 0;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        Exception? failure = Run(() =>
        {
            using DisposeScope scope = NewDisposeScope();
            MixAug.TorchSharp.Mixing.TorchMixer.Apply(plan, images);
            MixAug.TorchSharp.Losses.MixLosses.MixedCrossEntropy(logits, targets);
            MixAug.TorchSharp.Losses.MixLosses.DecoupledMixup(logits, targets);
            MixAug.TorchSharp.Losses.MixLosses.MixedAccuracy(logits, targets);
            MixAug.TorchSharp.Losses.DenseLosses.MixedCrossEntropy(denseLogits, pairs);
            steps++;
        }, TimeSpan.FromSeconds(seconds));
        Console.WriteLine(failure is null
            ? $"MixAug.TorchSharp under collection: {steps} steps in {clock.Elapsed.TotalSeconds:F1} s, no failure"
            : $"MixAug.TorchSharp under collection: failed after {steps} steps ({clock.Elapsed.TotalSeconds:F2} s): {failure.Message.Split('\n')[0]}");

        // TorchSharp's own Adam, AdamW and SGD on a tiny linear model, whose steps scale by temporary Scalars, each
        // followed by its MixAug.Training twin, the same arithmetic with kept ones.
        using Tensor inputs = randn(8, 4);
        foreach ((string name, Func<IEnumerable<global::TorchSharp.Modules.Parameter>, optim.Optimizer> make) in new (string, Func<IEnumerable<global::TorchSharp.Modules.Parameter>, optim.Optimizer>)[]
        {
            ("TorchSharp's Adam", parameters => optim.Adam(parameters, 1e-3)),
            ("MixAug.Training's KeptScalarAdam", parameters => new MixAug.Training.Optimizers.KeptScalarAdam(parameters, 1e-3)),
            ("TorchSharp's AdamW", parameters => optim.AdamW(parameters, 1e-3, weight_decay: 0.01)),
            ("MixAug.Training's KeptScalarAdamW", parameters => new MixAug.Training.Optimizers.KeptScalarAdamW(parameters, 1e-3, weightDecay: 0.01)),
            ("TorchSharp's SGD", parameters => optim.SGD(parameters, 1e-2, momentum: 0.9)),
            ("MixAug.Training's KeptScalarSGD", parameters => new MixAug.Training.Optimizers.KeptScalarSGD(parameters, 1e-2, momentum: 0.9)),
        })
        {
            using var model = nn.Linear(4, 3);
            using optim.Optimizer optimizer = make(model.parameters());
            steps = 0;
            clock.Restart();
            failure = Run(() =>
            {
                using DisposeScope scope = NewDisposeScope();
                optimizer.zero_grad();
                MixAug.TorchSharp.Losses.MixLosses.MixedCrossEntropy(model.call(inputs), targets).backward();
                optimizer.step();
                steps++;
            }, TimeSpan.FromSeconds(seconds));
            Console.WriteLine(failure is null
                ? $"{name} under collection: {steps} steps in {clock.Elapsed.TotalSeconds:F1} s, no failure"
                : $"{name} under collection: failed after {steps} steps ({clock.Elapsed.TotalSeconds:F2} s): {failure.Message.Split('\n')[0]}");
        }

        return 0;
    }

    /// <summary>Runs <paramref name="step"/> again and again for <paramref name="budget"/> while another thread
    /// collects and runs finalizers; returns the first exception a native call raised, or null.</summary>
    private static Exception? Run(Action step, TimeSpan budget)
    {
        using var stop = new CancellationTokenSource();
        var collector = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
            }
        }) { IsBackground = true };
        collector.Start();
        try
        {
            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (clock.Elapsed < budget)
            {
                step();
            }

            return null;
        }
        catch (Exception e) when (e is System.Runtime.InteropServices.ExternalException or InvalidOperationException)
        {
            return e;
        }
        finally
        {
            stop.Cancel();
            collector.Join();
        }
    }
}
