using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Cpu;

/// <summary>
/// Several aligned arrays mixed by one plan in one call. Every array holds the address of each element (sample × L +
/// element, in its own type); the float array's output, mixed by CpuMixer, names where each output element came from,
/// and every other array must have taken it from the same place.
/// </summary>
public class AlignedArraysTests
{
    [Test]
    public void EveryArrayTakesEachElementFromTheSameAddress()
    {
        foreach (BatchShape shape in new[] { new BatchShape(5, 3, 8, 6), BatchShape.Sequence(4, 2, 30), BatchShape.Volume(3, 2, 2, 4, 5) })
        {
            int total = (int)shape.ElementCount;
            IMixTransform[] methods = shape.SpatialRank == 3 ? [new FMix()] : [new CutMix(mode: LambdaMode.Element), new FMix(granularity: MaskGranularity.PerGroup)];
            foreach (IMixTransform transform in methods)
            {
                for (ulong seed = 0; seed < 25; seed++)
                {
                    MixPlan plan = transform.CreatePlan(shape, new MixRandom(seed));
                    float[] floats = [.. Enumerable.Range(0, total).Select(a => (float)a)];
                    byte[] bytes = [.. Enumerable.Range(0, total).Select(a => (byte)(a % 251))];
                    int[] ints = [.. Enumerable.Range(0, total)];
                    long[] longs = [.. Enumerable.Range(0, total).Select(a => (long)a << 33)];
                    var outputs = new Array[] { new float[total], new byte[total], new int[total], new long[total] };

                    AlignedArrays.Apply(plan, [floats, bytes, ints, longs], outputs);

                    int[] from = [.. ((float[])outputs[0]).Select(a => (int)a)];
                    Assert.That(outputs[1], Is.EqualTo(from.Select(a => (byte)(a % 251)).ToArray()), $"{shape} {transform.Name} seed {seed}: uint8");
                    Assert.That(outputs[2], Is.EqualTo(from), $"{shape} {transform.Name} seed {seed}: int32");
                    Assert.That(outputs[3], Is.EqualTo(from.Select(a => (long)a << 33).ToArray()), $"{shape} {transform.Name} seed {seed}: int64");
                }
            }
        }
    }

    [Test]
    public void BadArraysAreRejectedBeforeAnyIsWritten()
    {
        var shape = new BatchShape(4, 2, 4, 4);
        MixPlan mixup = new MixUp(mode: LambdaMode.Element).CreatePlan(shape, new MixRandom(1));
        int total = (int)shape.ElementCount;
        var floatOut = new float[total];
        var ex = Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(mixup, [new float[total], new int[total]], [floatOut, new int[total]]));
        Assert.That(ex!.ParamName, Is.EqualTo("plan"));
        Assert.That(ex.Message, Does.StartWith("sources[1] is a Int32[], but sample 0's region (blend) blends; integer arrays take plans that only select."));
        Assert.That(floatOut, Is.All.EqualTo(0f), "nothing written when a later array is refused");

        MixPlan cutmix = new CutMix().CreatePlan(shape, new MixRandom(1));
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(cutmix, [new int[total]], [new long[total]]))!.ParamName, Is.EqualTo("destinations"));
        ex = Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(cutmix, [new long[total + 3]], [new long[total + 3]]));
        Assert.That((ex!.ParamName, ex.Message.StartsWith("sources[0] has 131 elements, not a whole", StringComparison.Ordinal)), Is.EqualTo(("sources", true)));
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(cutmix, [new double[total]], [new double[total]]))!.ParamName, Is.EqualTo("sources"));
        var same = new int[total];
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(cutmix, [same], [same]))!.ParamName, Is.EqualTo("destinations"));
        Assert.That(Assert.Throws<ArgumentException>(() => AlignedArrays.Apply(cutmix, [], []))!.ParamName, Is.EqualTo("destinations"));
    }
}
