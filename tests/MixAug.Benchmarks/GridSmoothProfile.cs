using System.Diagnostics;
using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Transforms;

namespace MixAug.Benchmarks;

/// <summary>
/// --profile-gridsmooth: the parts of GridMix, SmoothMix and the label-map mixing, timed apart on the 128x3x224x224
/// batch (medians of wall time and of the ratio to a copy timed in the same round), to see where the time goes.
/// </summary>
internal static class GridSmoothProfile
{
    private const int Rounds = 15;

    /// <param name="only">A prefix: time only the parts whose name starts with it (null for all).</param>
    public static int Run(string? only)
    {
        s_only = only;
        var shape = new BatchShape(128, 3, 224, 224);
        var fixture = new BatchFixture(shape);
        float[] src = fixture.Source, dst = fixture.Destination;
        var random = new MixRandom(2026);
        var one = new MixConfiguration(maxDegreeOfParallelism: 1);

        var grid = new GridMix(mode: LambdaMode.Element);
        MixPlan gridPlan = grid.CreatePlan(shape, random);
        double tiles = gridPlan.Regions.OfType<TileRegion>().Average(r => r.Tiles.Count);
        double partnerShare = 1 - gridPlan.Lambdas.ToArray().Average();
        long tileRows = gridPlan.Regions.OfType<TileRegion>().Sum(r => r.Tiles.Sum(t => (long)(t.Bottom - t.Top)));
        Console.WriteLine($"GridMix plan: {tiles:F1} tiles per sample, {tileRows / (double)shape.BatchSize:F0} tile rows per sample and channel, partner share {partnerShare:F3}");
        Report("gridmix plan only", () => grid.CreatePlan(shape, random), src, dst);
        Report("gridmix apply in place (fixed plan)", () => CpuMixer.ApplyInPlace(gridPlan, dst), src, dst);
        Report("gridmix plan + apply in place (the quick entry)", () => CpuMixer.ApplyInPlace(grid.CreatePlan(shape, random), dst), src, dst);
        MixPlan[] gridPlans = [.. Enumerable.Range(0, 8).Select(_ => grid.CreatePlan(shape, random))];
        int next = 0;
        Report("gridmix apply in place, 8 fixed plans in turn", () => CpuMixer.ApplyInPlace(gridPlans[next++ % 8], dst), src, dst);
        Report("gridmix apply in place, one thread", () => CpuMixer.ApplyInPlace(gridPlan, dst, one), src, dst);
        Report("gridmix apply into destination", () => CpuMixer.Apply(gridPlan, src, dst), src, dst);
        MixPlan halfBoxes = fixture.HalfAreaBoxes(random);
        Report("cutmix half area in place (for scale)", () => CpuMixer.ApplyInPlace(halfBoxes, dst), src, dst);

        var smooth = new SmoothMix(mode: LambdaMode.Element);
        MixPlan smoothPlan = smooth.CreatePlan(shape, random);
        SoftBoxRegion[] boxes = [.. smoothPlan.Regions.OfType<SoftBoxRegion>()];
        Report("smoothmix plan only", () => smooth.CreatePlan(shape, random), src, dst);
        Report("smoothmix 128 exact means alone", () =>
        {
            foreach (SoftBoxRegion b in boxes)
            {
                _ = new SoftBoxRegion(b.Spatial, b.Top, b.Left, b.Bottom, b.Right, b.Sigma).Mean;
            }
        }, src, dst);
        var plane = new float[shape.PlaneSize];
        Report("smoothmix 128 masks rasterised, one thread", () =>
        {
            foreach (SoftBoxRegion b in boxes)
            {
                b.Rasterise(plane);
            }
        }, src, dst);
        Report("smoothmix apply in place (fixed plan)", () => CpuMixer.ApplyInPlace(smoothPlan, dst), src, dst);
        Report("smoothmix plan + apply in place (the quick entry)", () => CpuMixer.ApplyInPlace(smooth.CreatePlan(shape, random), dst), src, dst);
        Report("smoothmix apply in place, one thread", () => CpuMixer.ApplyInPlace(smoothPlan, dst, one), src, dst);
        MixPlan smoothPermuted = new SmoothMix(mode: LambdaMode.Element, pairing: PairingStrategy.Permutation).CreatePlan(shape, random);
        Report("smoothmix apply in place, permutation pairing (fixed plan)", () => CpuMixer.ApplyInPlace(smoothPermuted, dst), src, dst);
        var explicitMasks = new MixRegion[shape.BatchSize];
        for (int i = 0; i < explicitMasks.Length; i++)
        {
            if (smoothPlan.Regions[i] is SoftBoxRegion b)
            {
                b.Rasterise(plane);
                explicitMasks[i] = new MaskRegion(plane);
            }
            else
            {
                explicitMasks[i] = MixRegion.Keep;
            }
        }

        var maskPlan = new MixPlan(shape.Spatial, smoothPlan.Partners, smoothPlan.Lambdas, explicitMasks, "Custom");
        Report("the same masks as explicit weights, in place", () => CpuMixer.ApplyInPlace(maskPlan, dst), src, dst);
        MixPlan mixup = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, random);
        Report("mixup per sample in place (the blend floor)", () => CpuMixer.ApplyInPlace(mixup, dst), src, dst);

        byte[] labels = [.. fixture.Bytes.AsSpan(0, shape.BatchSize * shape.PlaneSize).ToArray().Select(v => (byte)(v % 21))];
        var mixed = new byte[labels.Length];
        MixPlan cutmix = new CutMix(mode: LambdaMode.Element).CreatePlan(shape, random);
        Report("labelmap cutmix", () => LabelMapMixer.Mix(cutmix, labels, mixed), src, dst);
        Report("labelmap: a copy of the maps alone", () => labels.AsSpan().CopyTo(mixed), src, dst);
        Report("labelmap gridmix", () => LabelMapMixer.Mix(gridPlan, labels, mixed), src, dst);
        Report("labelmap smoothmix", () => LabelMapMixer.Mix(smoothPlan, labels, mixed), src, dst);
        return 0;
    }

    private static string? s_only;

    private static void Report(string name, Action body, float[] src, float[] dst)
    {
        if (s_only is not null && !name.StartsWith(s_only, StringComparison.Ordinal))
        {
            return;
        }

        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 40 || warm.ElapsedMilliseconds < 500; i++)
        {
            body();
        }

        var times = new double[Rounds];
        var ratios = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            src.AsSpan().CopyTo(dst);
            double copy = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            body();
            times[round] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            ratios[round] = times[round] / copy;
        }

        Array.Sort(times);
        Array.Sort(ratios);
        Console.WriteLine($"{name,-52} {times[Rounds / 2],9:F3} ms {ratios[Rounds / 2],7:F3}x copy");
    }
}
