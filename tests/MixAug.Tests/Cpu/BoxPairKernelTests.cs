using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The box-pair row kernels (the two samples of a 2-cycle, each pasting the other's elements into its own box) against
/// their definition, for every length 0..300, start misalignment 0..7 (every remainder of each vector width and the
/// aligned head) and box spans that are empty, equal, nested, overlapping, apart or past the row, in place and not,
/// float32 (−0 and NaN moved bit for bit) and uint8.
/// </summary>
public unsafe class BoxPairKernelTests
{
    private const int Apart = 400;

    internal delegate void FloatBoxPair(float* a, float* b, ColumnSpan boxA, ColumnSpan boxB, float* destinationA, float* destinationB, int n);

    /// <summary>The float kernels by name (NUnit's test methods are public, and <see cref="ColumnSpan"/> is internal).</summary>
    private static readonly Dictionary<string, FloatBoxPair> FloatKernelsByWidth = new()
    {
        ["dispatch"] = FloatKernels.BoxPairRow,
        ["512"] = FloatKernels.BoxPairRow512,
        ["256"] = FloatKernels.BoxPairRow256,
        ["scalar"] = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRowScalar(a, b, boxA, boxB, da, db, 0, n),
    };

    private static readonly (int Left, int Right)[] Spans = [(0, 0), (0, 300), (3, 17), (16, 48), (40, 41), (100, 260), (250, 400), (7, 7)];

    [TestCase("dispatch")]
    [TestCase("512")]
    [TestCase("256")]
    [TestCase("scalar")]
    public void FloatPairsMatchTheDefinition(string width)
    {
        Assert.That(Mismatch(FloatKernelsByWidth[width], inPlace: false), Is.Null);
        Assert.That(Mismatch(FloatKernelsByWidth[width], inPlace: true), Is.Null);
    }

    [Test]
    public void APlantedPairThatPastesTheFirstSampleAfterWritingItIsCaught()
    {
        // Two copies in a row: right out of place, while in place the second box reads the first's output.
        FloatBoxPair sequential = (a, b, boxA, boxB, da, db, n) =>
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
        Assert.That(Mismatch(sequential, inPlace: false), Is.Null, "out of place the outputs are apart from the sources");
        Assert.That(Mismatch(sequential, inPlace: true), Is.Not.Null);
    }

    [Test]
    public void APlantedBoxEndingOneColumnShortIsCaught()
    {
        FloatBoxPair short1 = (a, b, boxA, boxB, da, db, n) => FloatKernels.BoxPairRow(a, b, new ColumnSpan(boxA.Left, Math.Max(boxA.Left, boxA.Right - 1)), boxB, da, db, n);
        Assert.That(Mismatch(short1, inPlace: false), Is.Not.Null);
    }

    [Test]
    public void BytePairsMatchTheDefinition()
    {
        var random = new MixRandom(42);
        byte[] sources = KernelInputs.Bytes(random, 2 * 1400);
        foreach (bool inPlace in new[] { false, true })
        {
            foreach ((int Left, int Right) spanA in Spans.Append((500, 1100)))
            {
                foreach ((int Left, int Right) spanB in Spans.Append((0, 1300)))
                {
                    // Lengths past the kernel's 512-byte chunks, so a chunk's saved copy must not run into the next.
                    foreach (int n in new[] { 0, 1, 17, 64, 300, 511, 512, 513, 1300 })
                    {
                        int offset = n % 8;
                        byte[] d = inPlace ? [.. sources] : Enumerable.Repeat((byte)7, 2 * 1400).ToArray();
                        var boxA = new ColumnSpan(spanA.Left, spanA.Right);
                        var boxB = new ColumnSpan(spanB.Left, spanB.Right);
                        fixed (byte* ps = sources, pd = d)
                        {
                            byte* a = (inPlace ? pd : ps) + offset;
                            ByteKernels.BoxPairRow(a, a + 1400, boxA, boxB, pd + offset, pd + 1400 + offset, n);
                        }

                        for (int k = 0; k < 1400; k++)
                        {
                            int column = k - offset;
                            bool inRow = column >= 0 && column < n;
                            byte x = sources[k], y = sources[1400 + k];
                            byte expectedA = inRow ? (boxA.Contains(column) ? y : x) : inPlace ? x : (byte)7;
                            byte expectedB = inRow ? (boxB.Contains(column) ? x : y) : inPlace ? y : (byte)7;
                            Assert.That((d[k], d[1400 + k]), Is.EqualTo((expectedA, expectedB)), $"boxes {spanA} and {spanB}, in place {inPlace}, n {n}, element {k}");
                        }
                    }
                }
            }
        }
    }

    /// <summary>The first element where <paramref name="kernel"/> differs from the definition, described; null when none does.</summary>
    private static string? Mismatch(FloatBoxPair kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 41UL : 40UL);
        float[] sources = KernelInputs.WithSpecials(random, KernelInputs.Floats(random, 2 * Apart));
        var d = new float[2 * Apart];
        foreach ((int Left, int Right) spanA in Spans)
        {
            foreach ((int Left, int Right) spanB in Spans)
            {
                var boxA = new ColumnSpan(spanA.Left, spanA.Right);
                var boxB = new ColumnSpan(spanB.Left, spanB.Right);
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
                            kernel(a, a + Apart, boxA, boxB, pd + offset, pd + Apart + offset, n);
                        }

                        for (int k = 0; k < Apart; k++)
                        {
                            int column = k - offset;
                            bool inRow = column >= 0 && column < n;
                            float x = sources[k], y = sources[Apart + k];
                            float expectedA = inRow ? (boxA.Contains(column) ? y : x) : inPlace ? x : -1f;
                            float expectedB = inRow ? (boxB.Contains(column) ? x : y) : inPlace ? y : -1f;
                            if (BitConverter.SingleToInt32Bits(d[k]) != BitConverter.SingleToInt32Bits(expectedA)
                                || BitConverter.SingleToInt32Bits(d[Apart + k]) != BitConverter.SingleToInt32Bits(expectedB))
                            {
                                return $"boxes {spanA} and {spanB}, n {n}, offset {offset}, element {k}: {d[k]} and {d[Apart + k]} for {expectedA} and {expectedB}";
                            }
                        }
                    }
                }
            }
        }

        return null;
    }
}
