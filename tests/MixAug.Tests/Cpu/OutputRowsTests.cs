using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Testing;
using MixAug.Tests.Support;
using MixAug.Transforms;

namespace MixAug.Tests.Cpu;

/// <summary>
/// Outputs streamed past the caches (the default from 16 MiB of output) against the same outputs stored: Mosaic's and
/// ResizeMix's rows (<see cref="OutputRows"/>) and the pair kernels' outputs of the flip pairing's 2-cycles (Mixup,
/// CutMix, FMix, SmoothMix, GridMix). The same bits, for rows that start and end at every offset within a cache line
/// (widths that are not multiples of 16, centres anywhere), any part count, in place and out of place.
/// </summary>
public class OutputRowsTests
{
    private static readonly BatchShape[] Shapes =
    [
        new(7, 3, 37, 53), new(6, 2, 64, 64), new(5, 1, 19, 161), new(4, 3, 224, 224), new(3, 1, 2, 2), new(9, 2, 33, 17),
    ];

    [Test]
    public void StreamedRowsAreTheStoredRowsBitForBit()
    {
        for (int s = 0; s < Shapes.Length; s++)
        {
            MixPlan plan = new Mosaic(minCentre: 0.05, maxCentre: 0.95).CreatePlan(Shapes[s], new MixRandom((ulong)(100 + s)));
            AssertStreamedAreStored(plan, TestBatches.RandomBatch(Shapes[s], (ulong)(200 + s)), $"{Shapes[s]}");
        }
    }

    [Test]
    public void ResizeMixStreamedRowsAreTheStoredRowsBitForBit()
    {
        // Rows above, across and below each box, in segments of any number of rows; in place the boxes are resized
        // into a buffer first (not streamed), which must agree as well.
        for (int s = 0; s < Shapes.Length; s++)
        {
            foreach (LambdaMode mode in new[] { LambdaMode.Element, LambdaMode.Batch })
            {
                MixPlan plan = new ResizeMix(mode: mode).CreatePlan(Shapes[s], new MixRandom((ulong)(300 + s)));
                AssertStreamedAreStored(plan, TestBatches.RandomBatch(Shapes[s], (ulong)(400 + s)), $"{Shapes[s]}, {mode}");
            }
        }
    }

    [Test]
    public void ResizeMixStreamedRowsAreTheStoredRowsForEveryPairing()
    {
        // The units are taken cycle by cycle (each asking for the next cycle's planes): one cycle of the whole batch
        // (roll), random cycles (permutation), and 2-cycles with a sample paired with itself (flip, odd batch).
        foreach (PairingStrategy pairing in new[] { PairingStrategy.Roll, PairingStrategy.Permutation, PairingStrategy.Flip })
        {
            for (int s = 0; s < Shapes.Length; s++)
            {
                MixPlan plan = new ResizeMix(mode: LambdaMode.Element, pairing: pairing).CreatePlan(Shapes[s], new MixRandom((ulong)(700 + s)));
                AssertStreamedAreStored(plan, TestBatches.RandomBatch(Shapes[s], (ulong)(800 + s)), $"{pairing}, {Shapes[s]}");
            }
        }
    }

    [Test]
    public void PairKernelsStreamedAreStoredBitForBit()
    {
        IMixTransform[] methods =
        [
            new MixUp(), new MixUp(mode: LambdaMode.Element), new CutMix(mode: LambdaMode.Element), new CutMix(),
            new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup), new SmoothMix(mode: LambdaMode.Element),
            new GridMix(mode: LambdaMode.Element),
        ];
        for (int s = 0; s < Shapes.Length; s++)
        {
            foreach (IMixTransform method in methods)
            {
                MixPlan plan = method.CreatePlan(Shapes[s], new MixRandom((ulong)(500 + s)));
                AssertStreamedAreStored(plan, TestBatches.RandomBatch(Shapes[s], (ulong)(600 + s)), $"{method}, {Shapes[s]}");
            }
        }
    }

    /// <summary>The plan's output streamed equals it stored (which follows the plan), for 1-3 parts, in place and
    /// out of place.</summary>
    private static void AssertStreamedAreStored(MixPlan plan, float[] input, string what)
    {
        float[] stored = Mix(plan, input, streamFrom: long.MaxValue, parts: 1, inPlace: false);
        MixAssert.PixelsFollowPlan(plan, input, stored);
        foreach (int parts in new[] { 1, 2, 3 })
        {
            foreach (bool inPlace in new[] { false, true })
            {
                float[] streamed = Mix(plan, input, streamFrom: 0, parts, inPlace);
                Assert.That(streamed, Is.EqualTo(stored), $"{what}, {parts} parts, {(inPlace ? "in place" : "out of place")}");
            }
        }
    }

    [Test]
    public void ByteBatchesAreStoredWhateverTheirSize()
    {
        // Only float rows are streamed; a uint8 batch takes its rounded rows as before, so both settings agree.
        var shape = new BatchShape(6, 3, 37, 53);
        MixPlan plan = new Mosaic().CreatePlan(shape, new MixRandom(7));
        byte[] input = [.. TestBatches.RandomBatch(shape, 8).Select(v => (byte)(Math.Abs(v) * 255 % 256))];
        byte[] plain = new byte[input.Length], streamed = new byte[input.Length];
        WithThreshold(long.MaxValue, () => CpuMixer.Apply(plan, input, plain));
        WithThreshold(0, () => CpuMixer.Apply(plan, input, streamed));
        Assert.That(streamed, Is.EqualTo(plain));
        MixAssert.PixelsFollowPlan(plan, input, streamed);
    }

    private static float[] Mix(MixPlan plan, float[] input, long streamFrom, int parts, bool inPlace)
    {
        float[] output = inPlace ? (float[])input.Clone() : new float[input.Length];
        MixJob<float, FloatKernels>.PartsOverride = parts;
        try
        {
            WithThreshold(streamFrom, () =>
            {
                if (inPlace)
                {
                    CpuMixer.ApplyInPlace(plan, output);
                }
                else
                {
                    CpuMixer.Apply(plan, input, output);
                }
            });
        }
        finally
        {
            MixJob<float, FloatKernels>.PartsOverride = null;
        }

        return output;
    }

    private static void WithThreshold(long bytes, Action body)
    {
        MixJob<float, FloatKernels>.StreamThresholdBytes = bytes;
        MixJob<byte, ByteKernels>.StreamThresholdBytes = bytes;
        try
        {
            body();
        }
        finally
        {
            MixJob<float, FloatKernels>.StreamThresholdBytes = 16 << 20;
            MixJob<byte, ByteKernels>.StreamThresholdBytes = 16 << 20;
        }
    }
}
