using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The pair kernels (the two samples of a 2-cycle, each the other's partner, mixed in one pass) against the mask
/// blend's definition applied to each sample: soft-box rows (weights made from fall-offs, every pair of row fall-offs)
/// and weight planes (runs of 1, 0 and fractions), for every length 0..300 and start misalignment 0..7, in place and
/// not, float32 with IEEE specials bit for bit, and uint8 past the byte kernels' 512-element chunks.
/// </summary>
public unsafe class PairKernelTests
{
    private const int Apart = 400;

    private static readonly float[] RowFalloffs = [1f, 0.75f, 0.3183099f, 1e-9f, 0f];

    internal delegate void SoftPair(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int n);

    internal delegate void MaskPair(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int n);

    /// <summary>One run of a kernel on a pair: the sources, the destinations and the row's misalignment, then the length.</summary>
    private delegate void PairRun(float* a, float* b, float* destinationA, float* destinationB, int offset, int n);

    /// <summary>The kernels by name (NUnit's test methods are public, and the kernels' argument types are internal).</summary>
    private static readonly Dictionary<string, SoftPair> SoftKernels = new()
    {
        ["dispatch"] = FloatKernels.SoftPairRowBlend,
        ["512"] = FloatKernels.SoftPairRowBlend512,
        ["256"] = FloatKernels.SoftPairRowBlend256,
        ["128"] = FloatKernels.SoftPairRowBlend128,
        ["scalar"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlendScalar(a, b, rowA, rowB, da, db, 0, n),
    };

    private static readonly Dictionary<string, MaskPair> MaskKernels = new()
    {
        ["dispatch"] = FloatKernels.MaskPairBlend,
        ["512"] = FloatKernels.MaskPairBlend512,
        ["256"] = FloatKernels.MaskPairBlend256,
        ["128"] = FloatKernels.MaskPairBlend128,
        ["scalar"] = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlendScalar(a, b, maskA, maskB, da, db, 0, n),
    };

    [TestCase("dispatch")]
    [TestCase("512")]
    [TestCase("256")]
    [TestCase("128")]
    [TestCase("scalar")]
    public void SoftPairsMatchTheDefinitionForEachSample(string width)
    {
        Assert.That(SoftMismatch(SoftKernels[width], inPlace: false), Is.Null);
        Assert.That(SoftMismatch(SoftKernels[width], inPlace: true), Is.Null);
    }

    [TestCase("dispatch")]
    [TestCase("512")]
    [TestCase("256")]
    [TestCase("128")]
    [TestCase("scalar")]
    public void MaskPairsMatchTheDefinitionForEachSample(string width)
    {
        Assert.That(MaskMismatch(MaskKernels[width], inPlace: false), Is.Null);
        Assert.That(MaskMismatch(MaskKernels[width], inPlace: true), Is.Null);
    }

    [Test]
    public void APlantedPairThatWritesTheFirstSampleBeforeReadingItIsCaught()
    {
        // Two row kernels in a row: right out of place, while in place the second sample reads the first's output.
        SoftPair soft = (a, b, rowA, rowB, da, db, n) =>
        {
            FloatKernels.SoftRowBlend(a, b, rowA.ColumnFalloffs, rowA.RowFalloff, da, n);
            FloatKernels.SoftRowBlend(b, a, rowB.ColumnFalloffs, rowB.RowFalloff, db, n);
        };
        MaskPair mask = (a, b, maskA, maskB, da, db, n) =>
        {
            FloatKernels.MaskBlend(a, b, maskA, da, n);
            FloatKernels.MaskBlend(b, a, maskB, db, n);
        };
        Assert.That(SoftMismatch(soft, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(MaskMismatch(mask, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(SoftMismatch(soft, inPlace: true), Is.Not.Null);
        Assert.That(MaskMismatch(mask, inPlace: true), Is.Not.Null);
    }

    [Test]
    public void APlantedPairWithTheWeightsSwappedIsCaught()
    {
        SoftPair soft = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend(a, b, rowB, rowA, da, db, n);
        MaskPair mask = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlend(a, b, maskB, maskA, da, db, n);
        Assert.That(SoftMismatch(soft, inPlace: false), Is.Not.Null);
        Assert.That(MaskMismatch(mask, inPlace: false), Is.Not.Null);
    }

    [Test]
    public void BytePairsMatchTheDefinitionForEachSample()
    {
        const int Bytes = 1400;
        var random = new MixRandom(32);
        byte[] sources = KernelInputs.Bytes(random, 2 * Bytes);
        float[] gA = KernelInputs.ColumnFalloffs(random, Bytes), gB = KernelInputs.ColumnFalloffs(random, Bytes);
        float[] maskA = KernelInputs.MaskRuns(random, Bytes), maskB = KernelInputs.MaskRuns(random, Bytes);
        foreach (bool inPlace in new[] { false, true })
        {
            foreach ((float gyA, float gyB) in RowFalloffs.Zip(RowFalloffs.Reverse()))
            {
                // Lengths past the kernels' 512-byte chunks, so a chunk's saved copy must not run into the next.
                foreach (int n in Enumerable.Range(0, 40).Concat([511, 512, 513, 1025, 1300]))
                {
                    int offset = n % 8;
                    foreach (bool soft in new[] { true, false })
                    {
                        byte[] d = inPlace ? [.. sources] : Enumerable.Repeat((byte)7, 2 * Bytes).ToArray();
                        fixed (byte* ps = sources, pd = d)
                        fixed (float* pgA = gA, pgB = gB, pmA = maskA, pmB = maskB)
                        {
                            byte* a = (inPlace ? pd : ps) + offset;
                            if (soft)
                            {
                                ByteKernels.SoftPairRowBlend(a, a + Bytes, new SoftRow(pgA + offset, gyA), new SoftRow(pgB + offset, gyB), pd + offset, pd + Bytes + offset, n);
                            }
                            else
                            {
                                ByteKernels.MaskPairBlend(a, a + Bytes, pmA + offset, pmB + offset, pd + offset, pd + Bytes + offset, n);
                            }
                        }

                        for (int k = 0; k < Bytes; k++)
                        {
                            bool mixed = k >= offset && k < offset + n;
                            byte x = sources[k], y = sources[Bytes + k];
                            float wA = soft ? KernelInputs.SoftWeight(gyA, gA[k]) : maskA[k], wB = soft ? KernelInputs.SoftWeight(gyB, gB[k]) : maskB[k];
                            byte expectedA = mixed ? KernelInputs.RoundedBlend(x, y, wA) : inPlace ? x : (byte)7;
                            byte expectedB = mixed ? KernelInputs.RoundedBlend(y, x, wB) : inPlace ? y : (byte)7;
                            Assert.That((d[k], d[Bytes + k]), Is.EqualTo((expectedA, expectedB)), $"{(soft ? "soft" : "mask")}, gy {gyA} and {gyB}, in place {inPlace}, n {n}, element {k}");
                        }
                    }
                }
            }
        }
    }

    private static string? SoftMismatch(SoftPair kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 25UL : 24UL);
        float[] gA = KernelInputs.ColumnFalloffs(random, Apart), gB = KernelInputs.ColumnFalloffs(random, Apart);
        foreach (float gyA in RowFalloffs)
        {
            foreach (float gyB in RowFalloffs)
            {
                float[] weightsA = [.. gA.Select(g => KernelInputs.SoftWeight(gyA, g))], weightsB = [.. gB.Select(g => KernelInputs.SoftWeight(gyB, g))];
                string? found = Mismatch(
                    random,
                    (a, b, da, db, offset, n) =>
                    {
                        fixed (float* pgA = gA, pgB = gB)
                        {
                            kernel(a, b, new SoftRow(pgA + offset, gyA), new SoftRow(pgB + offset, gyB), da, db, n);
                        }
                    },
                    weightsA,
                    weightsB,
                    inPlace);
                if (found is not null)
                {
                    return $"gy {gyA} and {gyB}: {found}";
                }
            }
        }

        return null;
    }

    private static string? MaskMismatch(MaskPair kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 27UL : 26UL);
        float[] maskA = KernelInputs.MaskRuns(random, Apart), maskB = KernelInputs.MaskRuns(random, Apart);
        return Mismatch(
            random,
            (a, b, da, db, offset, n) =>
            {
                fixed (float* pmA = maskA, pmB = maskB)
                {
                    kernel(a, b, pmA + offset, pmB + offset, da, db, n);
                }
            },
            maskA,
            maskB,
            inPlace);
    }

    /// <summary>
    /// The first element where a pair run differs from the definition (the first sample with the second by
    /// <paramref name="weightsA"/>, the second with the first by <paramref name="weightsB"/>), described; null when none
    /// does. The two samples sit in one array, as in a batch, <see cref="Apart"/> elements apart.
    /// </summary>
    private static string? Mismatch(MixRandom random, PairRun run, float[] weightsA, float[] weightsB, bool inPlace)
    {
        float[] sources = KernelInputs.WithSpecials(random, KernelInputs.Floats(random, 2 * Apart));
        var d = new float[2 * Apart];
        for (int offset = 0; offset < 8; offset++)
        {
            for (int n = 0; n <= 300; n++)
            {
                if (inPlace)
                {
                    sources.CopyTo(d, 0);
                }
                else
                {
                    Array.Fill(d, -1f);
                }

                fixed (float* ps = sources, pd = d)
                {
                    float* a = (inPlace ? pd : ps) + offset;
                    run(a, a + Apart, pd + offset, pd + Apart + offset, offset, n);
                }

                for (int k = 0; k < Apart; k++)
                {
                    bool mixed = k >= offset && k < offset + n;
                    float x = sources[k], y = sources[Apart + k];
                    float expectedA = mixed ? KernelInputs.MaskBlendDefinition(x, y, weightsA[k]) : inPlace ? x : -1f;
                    float expectedB = mixed ? KernelInputs.MaskBlendDefinition(y, x, weightsB[k]) : inPlace ? y : -1f;
                    if (BitConverter.SingleToInt32Bits(d[k]) != BitConverter.SingleToInt32Bits(expectedA)
                        || BitConverter.SingleToInt32Bits(d[Apart + k]) != BitConverter.SingleToInt32Bits(expectedB))
                    {
                        return $"n {n}, offset {offset}, element {k}: {d[k]} and {d[Apart + k]} for {expectedA} and {expectedB}";
                    }
                }
            }
        }

        return null;
    }
}
