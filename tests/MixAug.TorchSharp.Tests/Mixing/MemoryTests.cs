using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.TorchSharp.Tests.Support;
using MixAug.Transforms;

namespace MixAug.TorchSharp.Tests.Mixing;

public sealed class MemoryTests
{
    /// <summary>
    /// 10,000 module calls (plus one libtorch-path apply each) keep the resident set flat. The batch is 4x3x32x32
    /// float32, 48 KB, so leaking even one batch-sized tensor per call would add about 480 MB over the calls, while the
    /// native allocator's and the GC's own drift (measured at 5-30 MB on this machine, most of it while heaps settle)
    /// stays far below the 64 MB allowed. A warm-up of 2,000 calls lets both heaps reach their steady size first.
    /// </summary>
    [Test]
    public void Ten_thousand_calls_keep_the_resident_set_flat()
    {
        var shape = new BatchShape(4, 3, 32, 32);
        using Tensor images = Batches.ToTensor(Batches.Values(shape), shape);
        using Tensor labels = tensor(new long[] { 0, 1, 2, 3 }, ScalarType.Int64);
        var module = new MixModule(new MixChoice((new MixUp(mode: LambdaMode.Element), 1), (new CutMix(mode: LambdaMode.Element), 1)), new MixRandom(8), classCount: 4);
        void Step()
        {
            using MixedBatch batch = module.Forward(images, labels);
            using Tensor again = TorchMixer.Apply(batch.Plan, images, allowCpuKernels: false);
        }

        for (int i = 0; i < 2000; i++)
        {
            Step();
        }

        long before = SettledResidentKilobytes();
        var rounds = new List<long>();
        for (int round = 0; round < 5; round++)
        {
            for (int i = 0; i < 2000; i++)
            {
                Step();
            }

            rounds.Add(SettledResidentKilobytes());
        }

        TestContext.Progress.WriteLine($"VmRSS kB: {before} then {string.Join(", ", rounds)}");
        Assert.That(rounds[^1] - before, Is.LessThan(64 * 1024), $"VmRSS grew from {before} kB to {string.Join(", ", rounds)} kB over 10,000 calls");
    }

    private static long SettledResidentKilobytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        string line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
