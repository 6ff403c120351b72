using MixAug.Cpu;
using MixAug.Randomness;
using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// The soft-box row kernels (SmoothMix's weights <c>1f − gy·gx</c> made on the way) against a reference written here:
/// the weight computed as the rasteriser writes it, then the mask blend's definition, for every length 0..300 and
/// start misalignment 0..7 (every remainder of each vector width and the aligned head), in place and not, float32 and
/// uint8. Row fall-offs 1 (weights 0 where a column's fall-off is 1: the partner copied), tiny (weights exactly 1: the
/// sample kept) and fractions; column fall-offs in runs of exact 1, tiny values and fractions.
/// </summary>
public unsafe class SoftRowKernelTests
{
    public delegate void FloatSoftRow(float* a, float* b, float* g, float gy, float* d, int n);

    private static readonly float[] RowFalloffs = [1f, 0.75f, 0.3183099f, 1e-9f, 0f];

    private static IEnumerable<TestCaseData> FloatKernelsUnderTest() =>
    [
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend).SetArgDisplayNames("dispatch"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend512).SetArgDisplayNames("512"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend256).SetArgDisplayNames("256"),
        new TestCaseData((FloatSoftRow)FloatKernels.SoftRowBlend128).SetArgDisplayNames("128"),
        new TestCaseData((FloatSoftRow)((a, b, g, gy, d, n) => FloatKernels.SoftRowBlendScalar(a, b, g, gy, d, 0, n))).SetArgDisplayNames("scalar"),
    ];

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

    [Test]
    public void ByteRowsMatchTheReference()
    {
        var random = new MixRandom(31);
        byte[] a = KernelInputs.Bytes(random, 310), b = KernelInputs.Bytes(random, 310);
        float[] g = KernelInputs.ColumnFalloffs(random, 310);
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
                            byte expected = k >= offset && k < offset + n ? KernelInputs.RoundedBlend(a[k], b[k], m) : outside;
                            Assert.That(d[k], Is.EqualTo(expected), $"gy {gy}, in place {inPlace}, n {n}, offset {offset}, element {k}");
                        }
                    }
                }
            }
        }
    }

    /// <summary>The first element where <paramref name="kernel"/> differs from the reference, described; null when none does.</summary>
    private static string? FloatMismatch(FloatSoftRow kernel, bool inPlace)
    {
        var random = new MixRandom(inPlace ? 23UL : 22UL);
        float[] a = KernelInputs.WithSpecials(random, KernelInputs.Floats(random, 310)), b = KernelInputs.WithSpecials(random, KernelInputs.Floats(random, 310));
        float[] g = KernelInputs.ColumnFalloffs(random, 310);
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

    /// <summary>The rasteriser's weight (one float product, one float difference), then the mask blend's definition.</summary>
    private static float Reference(float self, float partner, float gy, float gx) => KernelInputs.MaskBlendDefinition(self, partner, KernelInputs.SoftWeight(gy, gx));
}
