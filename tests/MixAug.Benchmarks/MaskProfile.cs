using System.Diagnostics;
using MixAug.Fourier;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Saliency;

namespace MixAug.Benchmarks;

/// <summary>--profile-masks: the stages of one FMix mask and one saliency map, in milliseconds (medians of 200).</summary>
internal static class MaskProfile
{
    public static int Run()
    {
        var shape = new BatchShape(1, 3, 224, 224);
        var generator = new FourierMaskGenerator(shape);
        var random = new MixRandom(1);
        var noise = new double[224 * 224];
        var keys = new ulong[noise.Length];
        var mask = new float[noise.Length];
        int half = 113, stride = FftPlan.PadStride(half);
        var re = new double[224 * stride];
        var im = new double[224 * stride];
        var image = new float[shape.SampleSize];
        for (int i = 0; i < image.Length; i++)
        {
            image[i] = (float)random.NextDouble();
        }

        var map = new float[shape.PlaneSize];
        Console.WriteLine($"224x224, decay 3: band-limited {generator.IsBandLimited}, {generator.KeptBinCount} of {generator.HalfSpectrumBins} bins kept, dropped variance share {generator.DroppedVarianceShare:E2}");
        Report("normals (25k pairs)", () =>
        {
            for (int i = 0; i < 224 * 113; i++)
            {
                re[i] = random.NextDouble();
                im[i] = random.NextDouble();
                _ = Math.Sqrt(-2 * Math.Log(re[i] + 1e-9) / 0.5);
            }
        });
        Report("irfft2 224", () => MultiFft.InverseReal([224, 224], re, im, stride, noise));
        Report("whole low-frequency image", () => generator.SampleLowFrequencyImage(random, noise));
        var single = new float[noise.Length];
        Report("band-limited image, float32 (internal path)", () => generator.SampleInto(random, single));
        var ranking = new BucketRanking();
        Report("bucket ranking build", () => ranking.Build(single));
        Report("mask from ranking (lambda 0.5)", () => ranking.WriteMask(single, single.Length / 2, 0, mask));
        Report("whole internal mask (image + build + write)", () =>
        {
            generator.SampleInto(random, single);
            ranking.Build(single);
            ranking.WriteMask(single, single.Length / 2, 0, mask);
        });
        var batchShape = new BatchShape(128, 3, 224, 224);
        var fmix = new MixAug.Transforms.FMix(mode: LambdaMode.Element, granularity: MixAug.Transforms.MaskGranularity.PerGroup);
        var batch = new float[batchShape.ElementCount];
        Report("fmix plan, 128 masks (parallel)", () => fmix.CreatePlan(batchShape, random), 30);
        MixPlan fmixPlan = fmix.CreatePlan(batchShape, random);
        Report("apply that plan in place", () => MixAug.Cpu.CpuMixer.ApplyInPlace(fmixPlan, batch), 30);
        Report("allocate 128 uninitialised masks", () =>
        {
            for (int i = 0; i < 128; i++)
            {
                GC.KeepAlive(GC.AllocateUninitializedArray<float>(224 * 224));
            }
        }, 30);
        Report("keys", () => TopRanking.BuildKeys(noise, keys));
        Report("threshold (keys + select + write)", () => FourierMaskGenerator.Threshold(noise, noise.Length / 2, 0, mask));
        Report("saliency map", () => SpectralResidualSaliency.Default.ComputeMap(shape, image, map));
        var small = new BatchShape(1, 3, 64, 64);
        var smallMap = new float[small.PlaneSize];
        Report("saliency map of a 64x64 image", () => SpectralResidualSaliency.Default.ComputeMap(small, image.AsSpan(0, small.SampleSize), smallMap));
        var re64 = new double[64 * 64];
        var im64 = new double[64 * 64];
        Report("complex2d 64", () => MultiFft.Complex2D(64, 64, re64, im64, -1));
        var bre = new double[256 * 224];
        var bim = new double[256 * 224];
        Report("fft 224 x stride 224", () => FftPlan.Get(224).Transform(bre.AsSpan(0, 224 * 224), bim.AsSpan(0, 224 * 224), 224, 1));
        Report("fft 256 x stride 224", () => FftPlan.Get(256).Transform(bre, bim, 224, 1));
        Report("fft 7 x stride 224*32", () => FftPlan.Get(7).Transform(bre.AsSpan(0, 7 * 224 * 32), bim.AsSpan(0, 7 * 224 * 32), 224 * 32, 1));
        Report("fft 32 x stride 224*7", () => FftPlan.Get(32).Transform(bre.AsSpan(0, 7 * 224 * 32), bim.AsSpan(0, 7 * 224 * 32), 224 * 7, 1));
        return 0;
    }

    private static void Report(string name, Action body, int count = 200)
    {
        for (int i = 0; i < 20; i++)
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

        Array.Sort(times);
        Console.WriteLine($"{name,-40} {times[count / 2]:F4} ms");
    }
}
