using MixAug.Cpu;
using MixAug.Randomness;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The soft-box row kernels (SmoothMix's weights <c>1f − gy·gx</c> made on the way) against a reference written here:
/// the weight computed as the rasteriser writes it, then the mask blend's definition, for every length 0..300 and
/// start misalignment 0..7 (every remainder of each vector width and the aligned head), in place and not, float32 and
/// uint8. Row fall-offs 1 (weights 0 where a column's fall-off is 1: the partner copied), tiny (weights exactly 1: the
/// sample kept) and fractions; column fall-offs in runs of exact 1, tiny values and fractions. The pair kernels (the
/// two samples of a 2-cycle, each the other's partner) against the same reference applied to each sample, with every
/// pair of row fall-offs.
/// </summary>
public unsafe class SoftRowKernelTests
{
    public delegate void FloatSoftRow(float* a, float* b, float* g, float gy, float* d, int n);

    internal delegate void FloatSoftPair(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int n);

    private static readonly float[] RowFalloffs = [1f, 0.75f, 0.3183099f, 1e-9f, 0f];

    private static IEnumerable<TestCaseData> FloatKernelsUnderTest() =>
    [
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend).SetArgDisplayNames("dispatch"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend512).SetArgDisplayNames("512"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend256).SetArgDisplayNames("256"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend128).SetArgDisplayNames("128"),
        new TestCaseData((FloatSoftRow)((a, b, g, gy, d, n) => FloatKernels.SoftRowBlendScalar(a, b, g, gy, d, 0, n))).SetArgDisplayNames("scalar"),
    ];

    /// <summary>The pair kernels by name (NUnit's test methods are public, and <see cref="SoftRow"/> is internal).</summary>
    private static readonly Dictionary<string, FloatSoftPair> PairKernels = new()
    {
        ["dispatch"] = FloatKernels.SoftPairRowBlend,
        ["512"] = FloatKernels.SoftPairRowBlend512,
        ["256"] = FloatKernels.SoftPairRowBlend256,
        ["128"] = FloatKernels.SoftPairRowBlend128,
        ["scalar"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlendScalar(a, b, rowA, rowB, da, db, 0, n),
    };

    [TestCaseSource(nameof(FloatKernelsUnderTest))]
    public void FloatRowsMatchTheReference(FloatSoftRow kernel)
    {
        Assert.That(FloatMismatch(kernel, inPlace: false), Is.Null);
        Assert.That(FloatMismatch(kernel, inPlace: true), Is.Null);
    }

    [Test]
    public void APlantedFusedMultiplyAddIsCaught()
    {
        // The weights' product and difference fused into one rounding: the drift the kernels must not have.
        FloatSoftRow fused = (a, b, g, gy, d, n) =>
        {
            for (int k = 0; k < n; k++)
            {
                float m = MathF.FusedMultiplyAdd(-gy, g[k], 1f);
                d[k] = m == 1f ? a[k] : m == 0f ? b[k] : (a[k] * m) + (b[k] * (1f - m));
            }
        };
        Assert.That(FloatMismatch(fused, inPlace: false), Is.Not.Null);
    }

    [Test]
    public void APlantedTailThatKeepsTheSampleIsCaught()
    {
        // A kernel that leaves the last element of an odd remainder alone, as a vector loop without its scalar tail would.
        FloatSoftRow noTail = (a, b, g, gy, d, n) => FloatKernels.SoftRowBlend(a, b, g, gy, d, n & ~1);
        Assert.That(FloatMismatch(noTail, inPlace: false), Is.Not.Null);
    }

    [TestCase("dispatch")]
    [TestCase("512")]
    [TestCase("256")]
    [TestCase("128")]
    [TestCase("scalar")]
    public void FloatPairsMatchTheReferenceForEachSample(string width)
    {
        FloatSoftPair kernel = PairKernels[width];
        Assert.That(PairMismatch(kernel, inPlace: false), Is.Null);
        Assert.That(PairMismatch(kernel, inPlace: true), Is.Null);
    }

    [Test]
    public void APlantedPairThatWritesTheFirstSampleBeforeReadingItIsCaught()
    {
        // Two row kernels in a row: right out of place, while in place the second sample reads the first's output.
        FloatSoftPair sequential = (a, b, rowA, rowB, da, db, n) =>
        {
            FloatKernels.SoftRowBlend(a, b, rowA.ColumnFalloffs, rowA.RowFalloff, da, n);
            FloatKernels.SoftRowBlend(b, a, rowB.ColumnFalloffs, rowB.RowFalloff, db, n);
        };
        Assert.That(PairMismatch(sequential, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(PairMismatch(sequential, inPlace: true), Is.Not.Null);
    }

    [Test]
    public void APlantedPairWithTheWeightsSwappedIsCaught()
    {
        FloatSoftPair swapped = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend(a, b, rowB, rowA, da, db, n);
        Assert.That(PairMismatch(swapped, inPlace: false), Is.Not.Null);
    }

    [Test]
    public void ByteRowsMatchTheReference()
    {
        var random = new MixRandom(31);
        byte[] a = Bytes(random, 310), b = Bytes(random, 310);
        float[] g = ColumnFalloffs(random, 310);
        foreach (bool inPlace in new[] { false, true })
        {
            foreach (float gy in RowFalloffs)
            {
                for (int offset = 0; offset < 8; offset++)
                {
                    for (int n = 0; n <= 300; n++)
                    {
                        byte[] d = inPlace ? [.. a] : Enumerable.Repeat((byte)7, 310).ToArray();
                        fixed (byte* pa = a, pb = b, pd = d)
                        fixed (float* pg = g)
                        {
                            ByteKernels.SoftRowBlend(inPlace ? pd + offset : pa + offset, pb + offset, pg + offset, gy, pd + offset, n);
                        }

                        for (int k = 0; k < 310; k++)
                        {
                            float m = 1f - (gy * g[k]);
                            byte outside = inPlace ? a[k] : (byte)7;
                            byte expected = k >= offset && k < offset + n ? RoundedBlend(a[k], b[k], m) : outside;
                            Assert.That(d[k], Is.EqualTo(expected), $"gy {gy}, in place {inPlace}, n {n}, offset {offset}, element {k}");
                        }
                    }
                }
            }
        }
    }

    [Test]
    public void BytePairsMatchTheReferenceForEachSample()
    {
        const int Apart = 1400;
        var random = new MixRandom(32);
        byte[] sources = Bytes(random, 2 * Apart);
        float[] gA = ColumnFalloffs(random, 1310), gB = ColumnFalloffs(random, 1310);
        foreach (bool inPlace in new[] { false, true })
        {
            foreach ((float gyA, float gyB) in RowFalloffs.Zip(RowFalloffs.Reverse()))
            {
                // Lengths past the kernel's 512-byte chunks, so a chunk's saved copy must not run into the next.
                foreach (int n in Enumerable.Range(0, 40).Concat([511, 512, 513, 1025, 1300]))
                {
                    int offset = n % 8;
                    byte[] d = inPlace ? [.. sources] : Enumerable.Repeat((byte)7, 2 * Apart).ToArray();
                    fixed (byte* ps = sources, pd = d)
                    fixed (float* pgA = gA, pgB = gB)
                    {
                        byte* a = (inPlace ? pd : ps) + offset;
                        ByteKernels.SoftPairRowBlend(a, a + Apart, new SoftRow(pgA + offset, gyA), new SoftRow(pgB + offset, gyB), pd + offset, pd + Apart + offset, n);
                    }

                    for (int k = 0; k < Apart; k++)
                    {
                        bool mixed = k >= offset && k < offset + n;
                        byte x = sources[k], y = sources[Apart + k];
                        byte expectedA = mixed ? RoundedBlend(x, y, 1f - (gyA * gA[k])) : inPlace ? x : (byte)7;
                        byte expectedB = mixed ? RoundedBlend(y, x, 1f - (gyB * gB[k])) : inPlace ? y : (byte)7;
                        Assert.That((d[k], d[Apart + k]), Is.EqualTo((expectedA, expectedB)), $"gy {gyA} and {gyB}, in place {inPlace}, n {n}, element {k}");
                    }
                }
            }
        }
    }

    /// <summary>The first element where <paramref name="kernel"/> differs from the reference, described; null when none does.</summary>
    private static string? FloatMismatch(FloatSoftRow kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 23UL : 22UL);
        float[] a = WithSpecials(random, Floats(random, 310)), b = WithSpecials(random, Floats(random, 310));
        float[] g = ColumnFalloffs(random, 310);
        var d = new float[310];
        foreach (float gy in RowFalloffs)
        {
            for (int offset = 0; offset < 8; offset++)
            {
                for (int n = 0; n <= 300; n++)
                {
                    if (inPlace)
                    {
                        a.CopyTo(d, 0);
                    }
                    else
                    {
                        Array.Fill(d, -1f);
                    }

                    fixed (float* pa = a, pb = b, pg = g, pd = d)
                    {
                        kernel(inPlace ? pd + offset : pa + offset, pb + offset, pg + offset, gy, pd + offset, n);
                    }

                    for (int k = 0; k < 310; k++)
                    {
                        float outside = inPlace ? a[k] : -1f;
                        float expected = k >= offset && k < offset + n ? Reference(a[k], b[k], gy, g[k]) : outside;
                        if (BitConverter.SingleToInt32Bits(d[k]) != BitConverter.SingleToInt32Bits(expected))
                        {
                            return $"gy {gy}, n {n}, offset {offset}, element {k}: {d[k]} for {expected}";
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The first element where <paramref name="kernel"/>'s pair differs from the reference applied to each sample (the
    /// first sample with the second by the first weights, the second with the first by the second), described; null
    /// when none does. The two samples sit in one array, as in a batch, 400 elements apart.
    /// </summary>
    private static string? PairMismatch(FloatSoftPair kernel, bool inPlace)
    {
        const int Apart = 400, Size = 2 * Apart;
        var random = new MixRandom(inPlace ? 25UL : 24UL);
        float[] sources = WithSpecials(random, Floats(random, Size));
        float[] gA = ColumnFalloffs(random, 310), gB = ColumnFalloffs(random, 310);
        var d = new float[Size];
        foreach (float gyA in RowFalloffs)
        {
            foreach (float gyB in RowFalloffs)
            {
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

                        fixed (float* ps = sources, pd = d, pgA = gA, pgB = gB)
                        {
                            float* a = (inPlace ? pd : ps) + offset, b = a + Apart;
                            kernel(a, b, new SoftRow(pgA + offset, gyA), new SoftRow(pgB + offset, gyB), pd + offset, pd + Apart + offset, n);
                        }

                        for (int k = 0; k < Apart; k++)
                        {
                            bool mixed = k >= offset && k < offset + n;
                            float x = sources[k], y = sources[Apart + k];
                            float expectedA = mixed ? Reference(x, y, gyA, gA[k]) : inPlace ? x : -1f;
                            float expectedB = mixed ? Reference(y, x, gyB, gB[k]) : inPlace ? y : -1f;
                            if (BitConverter.SingleToInt32Bits(d[k]) != BitConverter.SingleToInt32Bits(expectedA)
                                || BitConverter.SingleToInt32Bits(d[Apart + k]) != BitConverter.SingleToInt32Bits(expectedB))
                            {
                                return $"gy {gyA} and {gyB}, n {n}, offset {offset}, element {k}: {d[k]} and {d[Apart + k]} for {expectedA} and {expectedB}";
                            }
                        }
                    }
                }
            }
        }

        return null;
    }

    /// <summary>The rasteriser's weight (one float product, one float difference), then the mask blend's definition.</summary>
    private static float Reference(float self, float partner, float gy, float gx)
    {
        float product = gy * gx;
        float weight = 1f - product;
        if (weight == 1f)
        {
            return self;
        }

        return weight == 0f ? partner : (self * weight) + (partner * (1f - weight));
    }

    /// <summary>Runs of 1 to 40 column fall-offs: exact 1 (the box's columns), tiny (weights exactly 1), or fractions.</summary>
    private static float[] ColumnFalloffs(MixRandom random, int n)
    {
        var g = new float[n];
        for (int i = 0; i < n;)
        {
            int run = 1 + random.NextInt(40), kind = random.NextInt(3);
            for (int j = 0; j < run && i < n; j++, i++)
            {
                g[i] = kind == 0 ? 1f : kind == 1 ? 1e-10f : (float)random.NextDouble();
            }
        }

        return g;
    }

    /// <summary>A uint8 blend by its definition: in float, rounded half to even.</summary>
    private static byte RoundedBlend(byte self, byte partner, float m) => (byte)Math.Round((self * m) + (partner * (1f - m)), MidpointRounding.ToEven);

    private static float[] WithSpecials(MixRandom random, float[] values)
    {
        float[] specials = [-0f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
        for (int i = 0; i < values.Length; i++)
        {
            if (random.NextInt(10) == 0)
            {
                values[i] = specials[random.NextInt(specials.Length)];
            }
        }

        return values;
    }

    private static float[] Floats(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (float)((random.NextDouble() * 8) - 4)).ToArray();

    private static byte[] Bytes(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (byte)random.NextInt(256)).ToArray();
}
