using MixAug.Planning;
using MixAug.Randomness;
using MixAug.TorchSharp.Data;
using MixAug.TorchSharp.Native;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Benchmarks;

/// <summary>
/// --collate-sequences: what a <see cref="MixCollate"/> call costs on a batch of 32 spectrograms <c>[80, L]</c> float32,
/// all of 1000 frames (stacked, no lengths) or of 500 to 1000 frames (padded to the longest, mixed with their lengths),
/// against TorchSharp's own stacking of the equal-length batch; CPU, one libtorch thread, the fastest and the median of
/// 9 rounds of 20 calls, in microseconds (docs/sequences.md, "In a TorchSharp DataLoader").
/// </summary>
internal static class SequenceCollateBenchmark
{
    private const int BatchSize = 32;
    private const int Bands = 80;
    private const int Classes = 10;

    public static int Run()
    {
        TorchSharpRuntime.EnsureLoadable();
        torch.set_num_threads(1);
        var random = new MixRandom(2027);
        List<Dictionary<string, Tensor>> full = Samples(random, _ => 1000);
        List<Dictionary<string, Tensor>> ragged = Samples(random, r => 500 + r.NextInt(501));
        var mixUp = new MixUp(0.4, mode: LambdaMode.Element);
        var rows = new (string Name, List<Dictionary<string, Tensor>> Samples, Func<IEnumerable<Dictionary<string, Tensor>>, Device, Dictionary<string, Tensor>> Collate)[]
        {
            ("stack only, 1000 frames", full, StackOnly),
            ("MixUp, 1000 frames, no lengths", full, new MixCollate(mixUp, 1, Classes).Collate),
            ("MixUp, 500-1000 frames, padded", ragged, new MixCollate(mixUp, 1, Classes).Collate),
            ("MixUp zero-padded, 500-1000", ragged, new MixCollate(new MixUp(0.4, mode: LambdaMode.Element, blendLengths: BlendLengths.ZeroPadded), 1, Classes).Collate),
            ("CutMix, 500-1000 frames, padded", ragged, new MixCollate(new CutMix(mode: LambdaMode.Element), 1, Classes).Collate),
        };
        Console.WriteLine($"batch of {BatchSize} samples [{Bands}, L], CPU, 1 libtorch thread: 9 rounds of 20 calls, microseconds per call");
        CollateBenchmark.Print(rows, callsPerRound: 20);
        return 0;
    }

    /// <summary>The baseline: the samples and the labels stacked, as TorchSharp's collate does for samples of one
    /// shape (without its <c>to(device)</c>, which on the CPU only adds a handle to dispose).</summary>
    private static Dictionary<string, Tensor> StackOnly(IEnumerable<Dictionary<string, Tensor>> samples, Device device)
    {
        var list = samples.ToList();
        return new Dictionary<string, Tensor>
        {
            ["data"] = stack(list.Select(s => s["data"]).ToArray()),
            ["label"] = stack(list.Select(s => s["label"]).ToArray()),
        };
    }

    private static List<Dictionary<string, Tensor>> Samples(MixRandom random, Func<MixRandom, int> length)
    {
        var samples = new List<Dictionary<string, Tensor>>(BatchSize);
        for (int i = 0; i < BatchSize; i++)
        {
            int frames = length(random);
            float[] values = [.. Enumerable.Range(0, Bands * frames).Select(_ => (float)random.NextDouble())];
            samples.Add(new Dictionary<string, Tensor> { ["data"] = tensor(values, [Bands, frames]), ["label"] = tensor((long)random.NextInt(Classes)) });
        }

        return samples;
    }
}
