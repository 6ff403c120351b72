using System.Runtime.Intrinsics.X86;
using MixAug.Cpu;
using MixAug.Randomness;

using MixAug.Tests.Support;

namespace MixAug.Tests.Cpu;

/// <summary>
/// Every kernel against the scalar definition for every length 0..300 and every start misalignment 0..7, so each
/// vector width, the aligned head and every remainder are crossed (the TensorPrimitives way).
/// </summary>
public unsafe class KernelTests
{
    private delegate void ByteBlend(byte* a, byte* b, byte* d, int n, float ws, float wp);

    private delegate void ByteMaskBlend(byte* a, byte* b, float* m, byte* d, int n);

    public delegate void FloatBlend(float* a, float* b, float* d, int n, float ws, float wp);

    public delegate void FloatMaskBlend(float* a, float* b, float* m, float* d, int n);

    private static IEnumerable<TestCaseData> FloatBlends() =>
    [
        new TestCaseData((FloatBlend)FloatKernels.Blend).SetArgDisplayNames("dispatch"),
        new TestCaseData((FloatBlend)FloatKernels.Blend512).SetArgDisplayNames("512"),
        new TestCaseData((FloatBlend)FloatKernels.Blend256).SetArgDisplayNames("256"),
        new TestCaseData((FloatBlend)FloatKernels.Blend128).SetArgDisplayNames("128"),
        new TestCaseData((FloatBlend)((a, b, d, n, ws, wp) => FloatKernels.BlendScalar(a, b, d, 0, n, ws, wp))).SetArgDisplayNames("scalar"),
    ];

    private static IEnumerable<TestCaseData> FloatMaskBlends() =>
    [
        new TestCaseData((FloatMaskBlend)FloatKernels.MaskBlend).SetArgDisplayNames("dispatch"),
        new TestCaseData((FloatMaskBlend)FloatKernels.MaskBlend512).SetArgDisplayNames("512"),
        new TestCaseData((FloatMaskBlend)FloatKernels.MaskBlend256).SetArgDisplayNames("256"),
        new TestCaseData((FloatMaskBlend)FloatKernels.MaskBlend128).SetArgDisplayNames("128"),
        new TestCaseData((FloatMaskBlend)((a, b, m, d, n) => FloatKernels.MaskBlendScalar(a, b, m, d, 0, n))).SetArgDisplayNames("scalar"),
    ];

    /// <summary>Every width gives the scalar definition's bits (Vector512 runs in software where it is not accelerated).</summary>
    [TestCaseSource(nameof(FloatBlends))]
    public void FloatBlendMatchesTheScalarDefinition(FloatBlend blend)
    {
        var random = new MixRandom(1);
        float[] a = Random(random, 310);
        float[] b = Random(random, 310);
        var d = new float[310];
        const float ws = 0.3f;
        float wp = (float)(1.0 - 0.3);
        for (int offset = 0; offset < 8; offset++)
        {
            for (int n = 0; n <= 300; n++)
            {
                Array.Fill(d, -1f);
                fixed (float* pa = a, pb = b, pd = d)
                {
                    blend(pa + offset, pb + offset, pd + offset, n, ws, wp);
                }

                for (int k = 0; k < 310; k++)
                {
                    float expected = k >= offset && k < offset + n ? (a[k] * ws) + (b[k] * wp) : -1f;
                    Assert.That(d[k], Is.EqualTo(expected), $"n {n}, offset {offset}, element {k}");
                }
            }
        }
    }

    /// <summary>
    /// Every width against the definition, over all lengths and alignments, with masks of runs of exact 1s, exact 0s and
    /// fractions (so whole vectors of each kind and mixed vectors occur), and inputs holding −0, infinities and NaN.
    /// </summary>
    [TestCaseSource(nameof(FloatMaskBlends))]
    public void FloatMaskBlendMatchesTheScalarDefinition(FloatMaskBlend maskBlend)
    {
        var random = new MixRandom(2);
        float[] a = KernelInputs.WithSpecials(random, Random(random, 310));
        float[] b = KernelInputs.WithSpecials(random, Random(random, 310));
        float[] m = KernelInputs.MaskRuns(random, 310);
        var d = new float[310];
        for (int offset = 0; offset < 8; offset++)
        {
            for (int n = 0; n <= 300; n++)
            {
                Array.Fill(d, -1f);
                fixed (float* pa = a, pb = b, pm = m, pd = d)
                {
                    maskBlend(pa + offset, pb + offset, pm + offset, pd + offset, n);
                }

                for (int k = 0; k < 310; k++)
                {
                    float expected = k >= offset && k < offset + n ? KernelInputs.MaskBlendDefinition(a[k], b[k], m[k]) : -1f;
                    Assert.That(BitConverter.SingleToInt32Bits(d[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"n {n}, offset {offset}, element {k}: {d[k]} for {expected}");
                }
            }
        }
    }

    /// <summary>In place (destination = self), every width writes the definition too; own elements keep their bits.</summary>
    [TestCaseSource(nameof(FloatMaskBlends))]
    public void FloatMaskBlendInPlaceMatchesTheScalarDefinition(FloatMaskBlend maskBlend)
    {
        var random = new MixRandom(12);
        float[] original = KernelInputs.WithSpecials(random, Random(random, 310));
        float[] b = KernelInputs.WithSpecials(random, Random(random, 310));
        float[] m = KernelInputs.MaskRuns(random, 310);
        for (int offset = 0; offset < 8; offset++)
        {
            foreach (int n in new[] { 0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 300 })
            {
                float[] a = [.. original];
                fixed (float* pa = a, pb = b, pm = m)
                {
                    maskBlend(pa + offset, pb + offset, pm + offset, pa + offset, n);
                }

                for (int k = 0; k < 310; k++)
                {
                    float expected = k >= offset && k < offset + n ? KernelInputs.MaskBlendDefinition(original[k], b[k], m[k]) : original[k];
                    Assert.That(BitConverter.SingleToInt32Bits(a[k]), Is.EqualTo(BitConverter.SingleToInt32Bits(expected)), $"n {n}, offset {offset}, element {k}");
                }
            }
        }
    }

    [Test]
    public void EveryByteBlendVariantMatchesTheScalarDefinition()
    {
        var variants = new List<(string, ByteBlend)> { ("portable", ByteKernels.BlendPortable), ("128", ByteKernels.Blend128), ("dispatch", ByteKernels.Blend) };
        if (Avx2.IsSupported)
        {
            variants.Add(("avx2", ByteKernels.BlendAvx2));
        }

        var random = new MixRandom(3);
        byte[] a = RandomBytes(random, 310);
        byte[] b = RandomBytes(random, 310);
        var d = new byte[310];
        foreach (double lambda in new[] { 0.5, 0.3, 0.999, 0.0, 1.0, 0.123456789 })
        {
            float ws = (float)lambda;
            float wp = (float)(1.0 - lambda);
            foreach ((string name, ByteBlend blend) in variants)
            {
                for (int offset = 0; offset < 8; offset++)
                {
                    for (int n = 0; n <= 300; n++)
                    {
                        Array.Fill(d, (byte)7);
                        fixed (byte* pa = a, pb = b, pd = d)
                        {
                            blend(pa + offset, pb + offset, pd + offset, n, ws, wp);
                        }

                        for (int k = 0; k < 310; k++)
                        {
                            byte expected = k >= offset && k < offset + n ? (byte)Math.Round((a[k] * ws) + (b[k] * wp), MidpointRounding.ToEven) : (byte)7;
                            Assert.That(d[k], Is.EqualTo(expected), $"{name}, lambda {lambda}, n {n}, offset {offset}, element {k}");
                        }
                    }
                }
            }
        }
    }

    [Test]
    public void EveryByteMaskBlendVariantMatchesTheScalarDefinition()
    {
        var variants = new List<(string, ByteMaskBlend)> { ("portable", ByteKernels.MaskBlendPortable), ("128", ByteKernels.MaskBlend128), ("dispatch", ByteKernels.MaskBlend) };
        if (Avx2.IsSupported)
        {
            variants.Add(("avx2", ByteKernels.MaskBlendAvx2));
        }

        var random = new MixRandom(4);
        byte[] a = RandomBytes(random, 310);
        byte[] b = RandomBytes(random, 310);
        float[] m = Random(random, 310);
        for (int k = 0; k < m.Length; k += 3)
        {
            m[k] = 0.5f; // exact ties whenever a + b is odd
        }

        var d = new byte[310];
        foreach ((string name, ByteMaskBlend blend) in variants)
        {
            for (int offset = 0; offset < 8; offset++)
            {
                for (int n = 0; n <= 300; n++)
                {
                    Array.Fill(d, (byte)7);
                    fixed (byte* pa = a, pb = b, pd = d)
                    fixed (float* pm = m)
                    {
                        blend(pa + offset, pb + offset, pm + offset, pd + offset, n);
                    }

                    for (int k = 0; k < 310; k++)
                    {
                        byte expected = k >= offset && k < offset + n ? (byte)Math.Round((a[k] * m[k]) + (b[k] * (1f - m[k])), MidpointRounding.ToEven) : (byte)7;
                        Assert.That(d[k], Is.EqualTo(expected), $"{name}, n {n}, offset {offset}, element {k}");
                    }
                }
            }
        }
    }

    private static float[] Random(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (float)random.NextDouble()).ToArray();

    private static byte[] RandomBytes(MixRandom random, int n) => Enumerable.Range(0, n).Select(_ => (byte)random.NextInt(256)).ToArray();
}
