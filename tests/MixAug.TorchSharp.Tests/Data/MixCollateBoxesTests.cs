using MixAug.Labels;
using MixAug.Planning;
using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Detection boxes through MixCollate (<see cref="AlignedKey.Boxes"/>): with a 1x1 box on every pixel, the boxes an
/// output keeps are exactly the pixels it shows, each where the pixel is shown and of the class of the pixel the image
/// says it shows; Mixup keeps both sets with their weights; the padding of outputs with fewer boxes is 0, −1 and 0.
/// </summary>
public sealed class MixCollateBoxesTests
{
    private const int Size = 8;
    private const int Plane = Size * Size;

    /// <summary>Sample i: an image whose pixel (y, x) holds i·64 + y·8 + x, and a box [x, y, x + 1, y + 1] of that class
    /// on every pixel.</summary>
    private static List<Dictionary<string, Tensor>> PixelBoxes(int count) =>
        [.. Enumerable.Range(0, count).Select(i =>
        {
            float[] corners = [.. Enumerable.Range(0, Plane).SelectMany(p => new float[] { p % Size, p / Size, (p % Size) + 1, (p / Size) + 1 })];
            return new Dictionary<string, Tensor>
            {
                ["data"] = arange(Plane, dtype: ScalarType.Float32).reshape(1, Size, Size) + (i * Plane),
                ["label"] = tensor((long)(i % 3)),
                ["boxes"] = tensor(corners, [Plane, 4]),
                ["box_classes"] = arange(Plane, dtype: ScalarType.Int64) + (i * Plane),
            };
        })];

    private static readonly MixCollateOptions Boxing = new() { AlignedKeys = [AlignedKey.Boxes("boxes", "box_classes")] };

    private static IEnumerable<TestCaseData> SelectingPolicies()
    {
        yield return new TestCaseData(new CutMix(mode: LambdaMode.Element)).SetName("CutMix per sample");
        yield return new TestCaseData(new MultiCutMix(partners: 2)).SetName("CutMix with two partners");
        yield return new TestCaseData(new GridMix(mode: LambdaMode.Element)).SetName("GridMix per sample");
        yield return new TestCaseData(new FMix(mode: LambdaMode.Element, granularity: MaskGranularity.PerGroup)).SetName("FMix per sample");
        yield return new TestCaseData(new Mosaic(shrinkTiles: false)).SetName("Mosaic of unscaled tiles (boxes moved)");
    }

    [TestCaseSource(nameof(SelectingPolicies))]
    public void The_boxes_an_output_keeps_are_the_pixels_it_shows_each_of_the_class_the_image_shows_there(IMixTransform policy)
    {
        var collate = new MixCollate(policy, 21, 3, options: Boxing);
        foreach (int count in new[] { 1, 4, 7 })
        {
            for (int round = 0; round < 3; round++)
            {
                using DisposeScope scope = NewDisposeScope();
                Dictionary<string, Tensor> batch = collate.Collate(PixelBoxes(count), CPU);
                string what = $"{policy.GetType().Name}, {count} samples, batch {collate.NextBatchIndex - 1}";
                Tensor corners = batch["boxes"], classes = batch["box_classes"], weights = batch[MixBatchKeys.WeightsOf("boxes")], counts = batch[MixBatchKeys.LengthsOf("boxes")];
                Assert.That((corners.dtype, classes.dtype, weights.dtype, counts.dtype), Is.EqualTo((ScalarType.Float32, ScalarType.Int64, ScalarType.Float32, ScalarType.Int64)), what);
                Assert.That(Loaders.Values(counts), Is.All.EqualTo((double)Plane), $"{what}: one box per pixel shown");
                float[] images = batch["data"].data<float>().ToArray(), c = corners.data<float>().ToArray(), w = weights.data<float>().ToArray();
                long[] k = classes.data<long>().ToArray();
                int most = (int)corners.shape[1];
                for (int b = 0; b < count; b++)
                {
                    var shown = new Dictionary<(int, int), long>();
                    for (int m = 0; m < Plane; m++)
                    {
                        int at = (b * most) + m;
                        (int x, int y) = ((int)c[4 * at], (int)c[(4 * at) + 1]);
                        Assert.That((c[(4 * at) + 2], c[(4 * at) + 3], w[at]), Is.EqualTo(((float)(x + 1), (float)(y + 1), 1f)), $"{what}, output {b}, box {m}: a whole pixel of weight 1");
                        Assert.That(shown.TryAdd((y, x), k[at]), Is.True, $"{what}, output {b}: pixel ({y}, {x}) holds one box");
                    }

                    for (int p = 0; p < Plane; p++)
                    {
                        Assert.That(shown[(p / Size, p % Size)], Is.EqualTo((long)images[(b * Plane) + p]), $"{what}, output {b}, pixel {p}: the class of the pixel the image shows");
                    }
                }
            }
        }
    }

    [Test]
    public void Mixup_keeps_both_sets_own_first_with_the_plans_weights_and_short_outputs_are_padded()
    {
        // Sample i has i boxes (sample 0 none), each [i, 0, i + 1, 1 + j] of class 10·i + j.
        List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, 4).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = rand(3, Size, Size),
            ["label"] = tensor((long)(i % 3)),
            ["boxes"] = i == 0 ? zeros(0, 4) : tensor([.. Enumerable.Range(0, i).SelectMany(j => new float[] { i, 0, i + 1, 1 + j })], [i, 4]),
            ["box_classes"] = arange(i, dtype: ScalarType.Int32) + (10 * i),
        })];
        var collate = new MixCollate(new MixUp(mode: LambdaMode.Element), 8, 3, options: Boxing);
        using DisposeScope scope = NewDisposeScope();
        Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
        MixPlan plan = collate.LastBatch!.Plan;
        int most = (int)batch["boxes"].shape[1];
        long[] counts = batch[MixBatchKeys.LengthsOf("boxes")].data<long>().ToArray(), classes = batch["box_classes"].data<long>().ToArray();
        float[] corners = batch["boxes"].data<float>().ToArray(), weights = batch[MixBatchKeys.WeightsOf("boxes")].data<float>().ToArray();
        Assert.That(most, Is.EqualTo(Enumerable.Range(0, 4).Max(i => i + plan.Partners[i])), "M is the most boxes of any output");
        for (int i = 0; i < 4; i++)
        {
            int partner = plan.Partners[i];
            double lambda = plan.Lambdas[i];
            Assert.That(counts[i], Is.EqualTo(i + partner), $"output {i}: its {i} boxes and partner {partner}'s");
            for (int m = 0; m < most; m++)
            {
                int at = (i * most) + m;
                if (m >= counts[i])
                {
                    Assert.That((classes[at], weights[at], corners.Skip(4 * at).Take(4)), Is.EqualTo((-1L, 0f, new float[4])), $"output {i}, padding row {m}");
                    continue;
                }

                (int source, int j, float weight) = m < i ? (i, m, (float)lambda) : (partner, m - i, (float)(1 - lambda));
                Assert.That(classes[at], Is.EqualTo((10L * source) + j), $"output {i}, box {m}");
                Assert.That(weights[at], Is.EqualTo(weight), $"output {i}, box {m}: the source's weight");
                Assert.That(corners.Skip(4 * at).Take(4), Is.EqualTo(new float[] { source, 0, source + 1, 1 + j }), $"output {i}, box {m}: unclipped");
            }
        }
    }

    [Test]
    public void The_thresholds_are_BoxMixers_for_the_batchs_plan()
    {
        var key = AlignedKey.Boxes("boxes", "box_classes", minVisibleFraction: 0.4, minSide: 1.5);
        var collate = new MixCollate(new CutMix(mode: LambdaMode.Element), 4, 3, options: new() { AlignedKeys = [key] });
        var random = new Randomness.MixRandom(6);
        for (int round = 0; round < 5; round++)
        {
            using DisposeScope scope = NewDisposeScope();
            var drawn = new List<DetectionBoxes>();
            List<Dictionary<string, Tensor>> samples = [.. Enumerable.Range(0, 5).Select(i =>
            {
                int n = random.NextInt(4);
                float[] corners = [.. Enumerable.Range(0, n).SelectMany(_ =>
                {
                    float x0 = random.NextInt(Size - 2), y0 = random.NextInt(Size - 2);
                    return new[] { x0, y0, x0 + 1 + random.NextInt(Size - (int)x0 - 1), y0 + 1 + random.NextInt(Size - (int)y0 - 1) };
                })];
                int[] ids = [.. Enumerable.Range(0, n).Select(j => (10 * i) + j)];
                drawn.Add(new DetectionBoxes(corners, ids));
                return new Dictionary<string, Tensor>
                {
                    ["data"] = rand(1, Size, Size),
                    ["label"] = tensor(0L),
                    ["boxes"] = tensor(corners, [n, 4]),
                    ["box_classes"] = tensor([.. ids.Select(v => (long)v)], [(long)n]),
                };
            })];
            Dictionary<string, Tensor> batch = collate.Collate(samples, CPU);
            DetectionBoxes[] expected = BoxMixer.Mix(collate.LastBatch!.Plan, drawn, 0.4, minSide: 1.5);
            Assert.That(batch[MixBatchKeys.LengthsOf("boxes")].data<long>().ToArray(), Is.EqualTo(expected.Select(e => (long)e.Count)), $"round {round}");
            int most = (int)batch["boxes"].shape[1];
            float[] corners = batch["boxes"].data<float>().ToArray();
            for (int i = 0; i < 5; i++)
            {
                Assert.That(corners.Skip(i * most * 4).Take(expected[i].Count * 4), Is.EqualTo(expected[i].Corners.ToArray()), $"round {round}, output {i}");
            }
        }
    }
}
