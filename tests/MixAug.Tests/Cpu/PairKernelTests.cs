using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The pair kernels (the two samples of a 2-cycle, each the other's partner, mixed in one pass) against the
/// definitions applied to each sample: fixed weights (Mixup), box spans (empty, equal, nested, overlapping, apart, past
/// the row), soft-box rows (weights made from fall-offs, every pair of row fall-offs) and weight planes (runs of 1, 0
/// and fractions), for every length 0..300 and start misalignment 0..7, in place and not, float32 with IEEE specials
/// bit for bit (the 512-bit kernels also with their outputs streamed), and uint8 past the byte kernels' 512-element chunks.
/// </summary>
public unsafe class PairKernelTests
{
    private const int Apart = 400;

    private static readonly float[] RowFalloffs = [1f, 0.75f, 0.3183099f, 1e-9f, 0f];

    internal delegate void SoftPair(float* a, float* b, SoftRow rowA, SoftRow rowB, float* destinationA, float* destinationB, int n);

    internal delegate void BlendPair(float* a, float* b, BlendWeights weightsA, BlendWeights weightsB, float* destinationA, float* destinationB, int n);

    internal delegate void BoxPair(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int n);

    internal delegate void MaskPair(float* a, float* b, float* maskA, float* maskB, float* destinationA, float* destinationB, int n);

    /// <summary>One run of a kernel on a pair: the sources, the destinations and the row's misalignment, then the length.</summary>
    private delegate void PairRun(float* a, float* b, float* destinationA, float* destinationB, int offset, int n);

    /// <summary>An output element by its definition: from the element's index in the arrays, its column in the run and
    /// its two sources (own first).</summary>
    private delegate float Expected(int k, int column, float self, float partner);

    /// <summary>Weight pairs of Mixup: ones that keep or take a side whole, and fractions.</summary>
    private static readonly (float Self, float Partner)[] Weights = [(1f, 0f), (0f, 1f), (0.3f, 0.7f), (0.6180339f, 0.381966f)];

    /// <summary>The kernels by name (NUnit's test methods are public, and the kernels' argument types are internal).</summary>
    private static readonly Dictionary<string, SoftPair> SoftKernels = new()
    {
        ["dispatch"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend(a, b, rowA, rowB, da, db, n),
        ["512"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend512(a, b, rowA, rowB, da, db, n),
        ["512, streamed"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend512(a, b, rowA, rowB, da, db, n, stream: true),
        ["256"] = FloatKernels.SoftPairRowBlend256,
        ["128"] = FloatKernels.SoftPairRowBlend128,
        ["scalar"] = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlendScalar(a, b, rowA, rowB, da, db, 0, n),
    };

    private static readonly Dictionary<string, BlendPair> BlendKernels = new()
    {
        ["dispatch"] = (a, b, weightsA, weightsB, da, db, n) => FloatKernels.BlendPair(a, b, weightsA, weightsB, da, db, n),
        ["512"] = (a, b, weightsA, weightsB, da, db, n) => FloatKernels.BlendPair512(a, b, weightsA, weightsB, da, db, n),
        ["512, streamed"] = (a, b, weightsA, weightsB, da, db, n) => FloatKernels.BlendPair512(a, b, weightsA, weightsB, da, db, n, stream: true),
        ["256"] = FloatKernels.BlendPair256,
        ["128"] = FloatKernels.BlendPair128,
        ["scalar"] = (a, b, weightsA, weightsB, da, db, n) => FloatKernels.BlendPairScalar(a, b, weightsA, weightsB, da, db, 0, n),
    };

    private static readonly Dictionary<string, BoxPair> BoxKernels = new()
    {
        ["dispatch"] = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRow(a, b, boxA, boxB, da, db, n),
        ["512"] = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRow512(a, b, boxA, boxB, da, db, n),
        ["512, streamed"] = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRow512(a, b, boxA, boxB, da, db, n, stream: true),
        ["256"] = FloatKernels.BoxPairRow256,
        ["scalar"] = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRowScalar(a, b, boxA, boxB, da, db, 0, n),
    };

    /// <summary>Box spans that are empty, equal, nested, overlapping, apart or past the row.</summary>
    private static readonly (int Left, int Right)[] Spans = [(0, 0), (0, 300), (3, 17), (16, 48), (40, 41), (100, 260), (250, 400), (7, 7)];

    private static readonly Dictionary<string, MaskPair> MaskKernels = new()
    {
        ["dispatch"] = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlend(a, b, maskA, maskB, da, db, n),
        ["512"] = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlend512(a, b, maskA, maskB, da, db, n),
        ["512, streamed"] = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlend512(a, b, maskA, maskB, da, db, n, stream: true),
        ["256"] = FloatKernels.MaskPairBlend256,
        ["128"] = FloatKernels.MaskPairBlend128,
        ["scalar"] = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlendScalar(a, b, maskA, maskB, da, db, 0, n),
    };

    /// <summary>Every kernel by kind and width: each dictionary's names.</summary>
    private static IEnumerable<TestCaseData> Kernels() =>
        BlendKernels.Keys.Select(w => ("blend", w))
            .Concat(SoftKernels.Keys.Select(w => ("soft box", w)))
            .Concat(BoxKernels.Keys.Select(w => ("box", w)))
            .Concat(MaskKernels.Keys.Select(w => ("mask", w)))
            .Select(k => new TestCaseData(k.Item1, k.w));

    [TestCaseSource(nameof(Kernels))]
    public void PairsMatchTheDefinitionForEachSample(string kind, string width)
    {
        Func<bool, string?> mismatch = kind switch
        {
            "blend" => inPlace => BlendMismatch(BlendKernels[width], inPlace),
            "soft box" => inPlace => SoftMismatch(SoftKernels[width], inPlace),
            "box" => inPlace => BoxMismatch(BoxKernels[width], inPlace),
            _ => inPlace => MaskMismatch(MaskKernels[width], inPlace),
        };
        Assert.That(mismatch(false), Is.Null, "out of place");
        Assert.That(mismatch(true), Is.Null, "in place");
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
        BlendPair blend = (a, b, weightsA, weightsB, da, db, n) =>
        {
            FloatKernels.Blend(a, b, da, n, weightsA.Self, weightsA.Partner);
            FloatKernels.Blend(b, a, db, n, weightsB.Self, weightsB.Partner);
        };
        Assert.That(SoftMismatch(soft, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(MaskMismatch(mask, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        BoxPair box = (a, b, boxA, boxB, da, db, n) =>
        {
            for (int k = 0; k < n; k++)
            {
                da[k] = boxA.Contains(k) ? b[k] : a[k];
            }

            for (int k = 0; k < n; k++)
            {
                db[k] = boxB.Contains(k) ? a[k] : b[k];
            }
        };
        Assert.That(BlendMismatch(blend, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(BoxMismatch(box, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(BoxMismatch(box, inPlace: true), Is.Not.Null);
        Assert.That(SoftMismatch(soft, inPlace: true), Is.Not.Null);
        Assert.That(MaskMismatch(mask, inPlace: true), Is.Not.Null);
        Assert.That(BlendMismatch(blend, inPlace: true), Is.Not.Null);
    }

    [Test]
    public void APlantedBoxEndingOneColumnShortIsCaught()
    {
        BoxPair shortBox = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRow(a, b, new ColumnSpan(boxA.Left, Math.Max(boxA.Left, boxA.Right - 1)), boxB, da, db, n, stream: false);
        Assert.That(BoxMismatch(shortBox, inPlace: false), Is.Not.Null);
    }

    [Test]
    public void APlantedPairWithTheWeightsSwappedIsCaught()
    {
        SoftPair soft = (a, b, rowA, rowB, da, db, n) => FloatKernels.SoftPairRowBlend(a, b, rowB, rowA, da, db, n);
        MaskPair mask = (a, b, maskA, maskB, da, db, n) => FloatKernels.MaskPairBlend(a, b, maskB, maskA, da, db, n);
        BlendPair blend = (a, b, weightsA, weightsB, da, db, n) => FloatKernels.BlendPair(a, b, weightsB, weightsA, da, db, n);
        Assert.That(SoftMismatch(soft, inPlace: false), Is.Not.Null);
        Assert.That(MaskMismatch(mask, inPlace: false), Is.Not.Null);
        Assert.That(BlendMismatch(blend, inPlace: false), Is.Not.Null);
    }

    /// <summary>The uint8 box pair's boxes: overlapping, one reaching past the 512-byte chunks.</summary>
    private static readonly ColumnSpan BoxA = new(5, 700), BoxB = new(300, 1300);

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
                    foreach (string kind in new[] { "soft", "mask", "blend", "blend, portable", "box" })
                    {
                        byte[] d = inPlace ? [.. sources] : Enumerable.Repeat((byte)7, 2 * Bytes).ToArray();
                        fixed (byte* ps = sources, pd = d)
                        fixed (float* pgA = gA, pgB = gB, pmA = maskA, pmB = maskB)
                        {
                            byte* a = (inPlace ? pd : ps) + offset;
                            switch (kind)
                            {
                                case "soft":
                                    ByteKernels.SoftPairRowBlend(a, a + Bytes, new SoftRow(pgA + offset, gyA), new SoftRow(pgB + offset, gyB), pd + offset, pd + Bytes + offset, n);
                                    break;
                                case "mask":
                                    ByteKernels.MaskPairBlend(a, a + Bytes, pmA + offset, pmB + offset, pd + offset, pd + Bytes + offset, n);
                                    break;
                                case "blend":
                                    ByteKernels.BlendPair(a, a + Bytes, new BlendWeights(gyA, 1f - gyA), new BlendWeights(gyB, 1f - gyB), pd + offset, pd + Bytes + offset, n);
                                    break;
                                case "box":
                                    ByteKernels.BoxPairRow(a, a + Bytes, BoxA, BoxB, pd + offset, pd + Bytes + offset, n);
                                    break;
                                default:
                                    ByteKernels.BlendPairPortable(a, a + Bytes, new BlendWeights(gyA, 1f - gyA), new BlendWeights(gyB, 1f - gyB), pd + offset, pd + Bytes + offset, n);
                                    break;
                            }
                        }

                        for (int k = 0; k < Bytes; k++)
                        {
                            bool mixed = k >= offset && k < offset + n;
                            byte x = sources[k], y = sources[Bytes + k];
                            float wA = kind == "soft" ? KernelInputs.SoftWeight(gyA, gA[k]) : kind == "mask" ? maskA[k] : gyA;
                            float wB = kind == "soft" ? KernelInputs.SoftWeight(gyB, gB[k]) : kind == "mask" ? maskB[k] : gyB;
                            if (kind == "box")
                            {
                                (wA, wB) = (BoxA.Contains(k - offset) ? 0f : 1f, BoxB.Contains(k - offset) ? 0f : 1f);
                            }

                            byte expectedA = mixed ? KernelInputs.RoundedBlend(x, y, wA) : inPlace ? x : (byte)7;
                            byte expectedB = mixed ? KernelInputs.RoundedBlend(y, x, wB) : inPlace ? y : (byte)7;
                            Assert.That((d[k], d[Bytes + k]), Is.EqualTo((expectedA, expectedB)), $"{kind}, gy {gyA} and {gyB}, in place {inPlace}, n {n}, element {k}");
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
                    (k, column, self, partner) => KernelInputs.MaskBlendDefinition(self, partner, weightsA[k]),
                    (k, column, self, partner) => KernelInputs.MaskBlendDefinition(self, partner, weightsB[k]),
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
            (k, column, self, partner) => KernelInputs.MaskBlendDefinition(self, partner, maskA[k]),
            (k, column, self, partner) => KernelInputs.MaskBlendDefinition(self, partner, maskB[k]),
            inPlace);
    }

    private static string? BlendMismatch(BlendPair kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 29UL : 28UL);
        foreach ((float Self, float Partner) a in Weights)
        {
            foreach ((float Self, float Partner) b in Weights.Reverse())
            {
                string? found = Mismatch(
                    random,
                    (x, y, dx, dy, offset, n) => kernel(x, y, new BlendWeights(a.Self, a.Partner), new BlendWeights(b.Self, b.Partner), dx, dy, n),
                    (k, column, self, partner) => (self * a.Self) + (partner * a.Partner),
                    (k, column, self, partner) => (self * b.Self) + (partner * b.Partner),
                    inPlace);
                if (found is not null)
                {
                    return $"weights {a} and {b}: {found}";
                }
            }
        }

        return null;
    }

    private static string? BoxMismatch(BoxPair kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 41UL : 40UL);
        foreach ((int Left, int Right) a in Spans)
        {
            foreach ((int Left, int Right) b in Spans)
            {
                var boxA = new ColumnSpan(a.Left, a.Right);
                var boxB = new ColumnSpan(b.Left, b.Right);
                string? found = Mismatch(
                    random,
                    (x, y, dx, dy, offset, n) => kernel(x, y, boxA, boxB, dx, dy, n),
                    (k, column, self, partner) => boxA.Contains(column) ? partner : self,
                    (k, column, self, partner) => boxB.Contains(column) ? partner : self,
                    inPlace);
                if (found is not null)
                {
                    return $"boxes {a} and {b}: {found}";
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The first element where a pair run differs from the definitions (<paramref name="expectedA"/> of the first sample
    /// with the second, <paramref name="expectedB"/> of the second with the first), described; null when none does. The two samples sit in one array, as in a batch, <see cref="Apart"/> elements apart.
    /// </summary>
    private static string? Mismatch(MixRandom random, PairRun run, Expected expectedA, Expected expectedB, bool inPlace)
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
                    float wantA = mixed ? expectedA(k, k - offset, x, y) : inPlace ? x : -1f;
                    float wantB = mixed ? expectedB(k, k - offset, y, x) : inPlace ? y : -1f;
                    if (BitConverter.SingleToInt32Bits(d[k]) != BitConverter.SingleToInt32Bits(wantA)
                        || BitConverter.SingleToInt32Bits(d[Apart + k]) != BitConverter.SingleToInt32Bits(wantB))
                    {
                        return $"n {n}, offset {offset}, element {k}: {d[k]} and {d[Apart + k]} for {wantA} and {wantB}";
                    }
                }
            }
        }

        return null;
    }
}
