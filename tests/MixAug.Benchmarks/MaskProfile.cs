using System.Diagnostics;
using MixAug.Cpu;
using MixAug.Fourier;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.Transforms;

namespace MixAug.Benchmarks;

/// <summary>--profile-masks: the stages of one FMix mask and one saliency grid, in milliseconds: medians of 200 calls'
/// wall time and of nine 200 ms groups' CPU time per call.</summary>
internal static class MaskProfile
{
    public static int Run()
    {
        var shape = new BatchShape(1, 3, 224, 224);
        FourierSynthesis synthesis = MixConfiguration.Default.Synthesis(shape.Spatial, 3.0, FourierSpectrum.Paper);
        var random = new MixRandom(1);
        var mask = new float[shape.PlaneSize];
        var image = new float[shape.SampleSize];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        Console.WriteLine($"224x224, decay 3: {synthesis.Bins.Length} of {synthesis.HalfSpectrumBins} bins kept, dropped variance share {synthesis.DroppedVarianceShare:E2}");
        var noise = new float[shape.PlaneSize];
        Report("noise image (band-limited synthesis)", () => synthesis.Synthesize(random, noise));
        var ranking = new BucketRanking();
        Report("bucket ranking build", () => ranking.Build(noise));
        Report("mask from ranking (lambda 0.5)", () => ranking.WriteMask(noise, noise.Length / 2, 0, mask));
        var threshold = new SampledThreshold();
        Report("mask by sampled threshold (lambda 0.5)", () => threshold.TryWriteMask(noise, noise.Length / 2, 0, mask));
        Report("whole mask (image + sampled threshold)", () =>
        {
            synthesis.Synthesize(random, noise);
            threshold.TryWriteMask(noise, noise.Length / 2, 0, mask);
        });
        var batchShape = new BatchShape(128, 3, 224, 224);
        var fmix = new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup);
        var batch = new float[batchShape.ElementCount];
        Report("fmix plan, 128 mask recipes", () => fmix.CreatePlan(batchShape, random), 30);
        MixPlan fmixPlan = fmix.CreatePlan(batchShape, random);
        Report("apply that plan in place (masks rasterised)", () => CpuMixer.ApplyInPlace(fmixPlan, batch), 30);
        var single = new MixConfiguration(maxDegreeOfParallelism: 1);
        Report("the same on one thread", () => CpuMixer.ApplyInPlace(fmixPlan, batch, single), 30);
        var workspace = new RasterWorkspace();
        Report("its 128 masks alone, one thread", () =>
        {
            for (int i = 0; i < batchShape.BatchSize; i++)
            {
                RegionRasterizer.FillValues(fmixPlan.Regions[i], fmixPlan.Spatial, single, workspace.Values(shape.PlaneSize));
                RegionRasterizer.WriteRankedMask(fmixPlan.Regions[i], fmixPlan.Spatial, workspace, mask, rankingBuilt: false);
            }
        }, 30);
        var grid = new float[64 * 64];
        Report("saliency grid 64x64 of a 224x224 image", () => SpectralResidualSaliency.Default.ComputeGrid(shape, image, grid));
        double previous = 0;
        foreach (SpectralResidualSaliency.GridStage stage in Enum.GetValues<SpectralResidualSaliency.GridStage>())
        {
            // Each stage needs the ones before it: a prefix is timed, and the stage is its difference to the last.
            double prefix = Report($"  grid through {stage}", () => SpectralResidualSaliency.Default.ComputeGrid(shape, image, grid, stage));
            Console.WriteLine($"  {"  stage " + stage,-46} {prefix - previous,9:F4} ms CPU (difference of prefixes)");
            previous = prefix;
        }

        Report("peak of that grid's map", () => SaliencyMaps.PeakOf(grid, 64, 64, shape.Spatial));
        var map = new float[shape.PlaneSize];
        Report("saliency map (grid + upsampling)", () => SpectralResidualSaliency.Default.ComputeMap(shape, image, map));
        var re64 = new double[64 * 64];
        var im64 = new double[64 * 64];
        Report("complex2d 64 (own FFT)", () => MultiFft.Complex2D(64, 64, re64, im64, -1));
        return 0;
    }

    /// <returns>The median CPU time per call, in milliseconds.</returns>
    private static double Report(string name, Action body, int count = 200)
    {
        // Warm up for half a second at least: tiered compilation replaces the first, unoptimised code after some calls.
        var warm = Stopwatch.StartNew();
        for (int i = 0; i < 20 || warm.ElapsedMilliseconds < 500; i++)
        {
            body();
        }

        var times = new double[count];
        for (int i = 0; i < times.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            body();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }

        double cpu = CpuTime.MedianMilliseconds(body).Cpu;
        Array.Sort(times);
        Console.WriteLine($"{name,-48} {times[count / 2],9:F4} ms wall {cpu,9:F4} ms CPU");
        return cpu;
    }
}
