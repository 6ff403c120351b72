using MixAug.Saliency;
using MixAug.TorchSharp.Features;

namespace MixAug.TorchSharp.Tests.Features;

/// <summary>Gradient saliency: max over channels of |gradient|, average-pooled in cells, checked against loops over the
/// same numbers.</summary>
public class GradientSaliencyTests
{
    private const int B = 2, C = 3, H = 4, W = 6;

    /// <summary>Gradient values with signs and channel maxima that differ per pixel.</summary>
    private static float[] Gradient() =>
        [.. Enumerable.Range(0, B * C * H * W).Select(i => (float)(Math.Sin(i * 1.7) * (1 + (i % 5))))];

    private static double Magnitude(float[] g, int b, int y, int x) =>
        Enumerable.Range(0, C).Max(c => Math.Abs(g[(((b * C) + c) * H * W) + (y * W) + x]));

    [Test]
    public void Grids_are_cell_means_of_the_channel_maximum_of_the_magnitude()
    {
        float[] g = Gradient();
        using Tensor gradient = tensor(g, [B, C, H, W]);
        SaliencyMaps maps = new GradientSaliency(cellSize: 2).Compute(gradient, SaliencyDetail.Maps);
        Assert.That((maps.GridHeight, maps.GridWidth), Is.EqualTo((2, 3)));
        for (int b = 0; b < B; b++)
        {
            float[] grid = maps.Grid(b).ToArray();
            for (int gy = 0; gy < 2; gy++)
            {
                for (int gx = 0; gx < 3; gx++)
                {
                    double mean = (Magnitude(g, b, 2 * gy, 2 * gx) + Magnitude(g, b, 2 * gy, (2 * gx) + 1) + Magnitude(g, b, (2 * gy) + 1, 2 * gx) + Magnitude(g, b, (2 * gy) + 1, (2 * gx) + 1)) / 4;
                    Assert.That(grid[(gy * 3) + gx], Is.EqualTo(mean).Within(1e-5), $"sample {b}, cell ({gy}, {gx})");
                }
            }
        }
    }

    [Test]
    public void Full_resolution_peaks_are_the_largest_magnitude()
    {
        float[] g = Gradient();
        g[(((1 * C) + 2) * H * W) + (3 * W) + 1] = -50; // sample 1, channel 2, pixel (3, 1): the largest |g|, negative
        using Tensor gradient = tensor(g, [B, C, H, W]);
        SaliencyMaps peaks = new GradientSaliency().Compute(gradient, SaliencyDetail.Peaks);
        Assert.That(peaks.HasGrids, Is.False);
        Assert.That(peaks.Peak(1), Is.EqualTo((3 * W) + 1));
        int expected0 = Enumerable.Range(0, H * W).MaxBy(p => Magnitude(g, 0, p / W, p % W));
        Assert.That(peaks.Peak(0), Is.EqualTo(expected0));
    }

    [Test]
    public void Pooled_peaks_agree_with_the_upsampled_grid()
    {
        float[] g = Gradient();
        using Tensor gradient = tensor(g, [B, C, H, W]);
        var source = new GradientSaliency(cellSize: 2);
        SaliencyMaps maps = source.Compute(gradient, SaliencyDetail.Maps);
        SaliencyMaps peaks = source.Compute(gradient, SaliencyDetail.Peaks);
        for (int b = 0; b < B; b++)
        {
            var map = new float[H * W];
            maps.WriteMap(b, map);
            Assert.That(peaks.Peak(b), Is.EqualTo(Array.IndexOf(map, map.Max())), $"sample {b}: the device peak is the host upsampling's");
        }
    }

    [Test]
    public void The_grid_size_and_equality_follow_the_cell_size()
    {
        Assert.That(new GradientSaliency(4).GridSize(new SpatialShape(28, 28)), Is.EqualTo((7, 7)));
        Assert.That(new GradientSaliency(100).GridSize(new SpatialShape(28, 30)), Is.EqualTo((2, 2)), "at least 2 cells");
        Assert.That(new GradientSaliency(3).GridSize(SpatialShape.Sequence(9)), Is.EqualTo((1, 3)), "a one-row extent keeps its row");
        GradientSaliency two = new(2), alsoTwo = new(2), one = new(1);
        Assert.That(two, Is.EqualTo(alsoTwo), "equal cell sizes share one computation");
        Assert.That(two.GetHashCode(), Is.EqualTo(alsoTwo.GetHashCode()));
        Assert.That(two, Is.Not.EqualTo(one));
        Assert.That(Assert.Throws<ArgumentException>(() => new GradientSaliency().GridSize(default))!.ParamName, Is.EqualTo("spatial"));
    }

    [Test]
    public void Pixels_alone_cannot_give_it()
    {
        var shape = new BatchShape(1, 1, 4, 4);
        Assert.Throws<NotSupportedException>(() => new GradientSaliency().ComputeGrid(shape, new float[16], new float[16]));
    }

    [Test]
    public void Bad_gradients_are_rejected_by_name()
    {
        var source = new GradientSaliency();
        using Tensor nan = full(new long[] { 1, 1, 2, 2 }, float.NaN);
        var e = Assert.Throws<ArgumentException>(() => source.Compute(nan, SaliencyDetail.Peaks));
        Assert.That(e!.ParamName, Is.EqualTo("inputGradient"));
        Assert.That(e.Message, Does.Contain("NaN"));
        using Tensor flat = ones(2, 16);
        var rank = Assert.Throws<ArgumentException>(() => source.Compute(flat, SaliencyDetail.Maps));
        Assert.That(rank!.ParamName, Is.EqualTo("inputGradient"));
        Assert.That(rank.Message, Does.Contain("[2, 16]"));
    }
}
