using MixAug.Planning;
using MixAug.Regions;
using MixAug.Training.ModelMixing;
using MixAug.Training.Steps;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.ModelMixing;

/// <summary>TransMix's label weights on 4x4 images with a 2x2 patch grid (patches of 2x2 pixels), worked by hand.</summary>
public class TransMixWeightsTests
{
    private static readonly SpatialShape Plane = new(4, 4);

    /// <summary>Sample 0 takes its partner's top-left patch (area 1/4), sample 1 a box over rows 0..2 of column 0
    /// (area 3/16: half of patch (0, 0) and a quarter of patch (1, 0)).</summary>
    private static MixPlan Boxes() => new(Plane, [1, 0], [0.75, 13.0 / 16], [new BoxRegion(0, 0, 2, 2), new BoxRegion(0, 0, 3, 1)]);

    [Test]
    public void Box_weights_are_the_mean_of_area_and_attention_share()
    {
        // Attention over patches (0,0) (0,1) (1,0) (1,1), summing to 0.8 and 0.5: the softmax also gives the class
        // token some attention to itself, so the patches' sum is below 1 and the share is normalised by it.
        using Tensor attention = tensor(new float[] { 0.4f, 0.1f, 0.2f, 0.1f, 0.1f, 0.1f, 0.2f, 0.1f }, [2, 4]);
        double[] w = Weights(Boxes(), attention, 0.5);

        // Sample 0: the partner's attention share is 0.4 / 0.8 = 0.5; weight (0.25 + 0.5) / 2 = 0.375.
        // Sample 1: the partner covers half of patch (0,0) and a quarter of patch (1,0): (0.5·0.1 + 0.25·0.2) / 0.5 = 0.2;
        // weight (3/16 + 0.2) / 2.
        Assert.That(w[0], Is.EqualTo(0.625).Within(1e-6));
        Assert.That(w[1], Is.EqualTo(0.375).Within(1e-6));
        Assert.That(w[3], Is.EqualTo(((3.0 / 16) + 0.2) / 2).Within(1e-6));
        Assert.That(w[2], Is.EqualTo(1 - w[3]).Within(1e-6));
    }

    [Test]
    public void Attention_share_one_is_attention_alone_and_zero_is_the_area()
    {
        using Tensor attention = tensor(new float[] { 0.4f, 0.1f, 0.2f, 0.1f, 0.1f, 0.1f, 0.2f, 0.1f }, [2, 4]);
        Assert.That(Weights(Boxes(), attention, 1)[1], Is.EqualTo(0.5).Within(1e-6));
        Assert.That(Weights(Boxes(), attention, 0), Is.EqualTo(new[] { 0.75, 0.25, 13.0 / 16, 3.0 / 16 }).Within(1e-6));
    }

    /// <summary>A planted defect: a step that read the own slot's shares for the partner, or the attention of another
    /// sample, would give the same weights for a box and its complement, or for two samples.</summary>
    [Test]
    public void Swapping_what_each_source_supplies_swaps_the_weights()
    {
        float[] box = [0, 0, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]; // own weights: partner in patch (0,0)
        float[] complement = [.. box.Select(v => 1 - v)];
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.25], [new MaskRegion(box), new MaskRegion(complement)]);
        using Tensor attention = tensor(new float[] { 0.6f, 0.1f, 0.1f, 0.1f, 0.6f, 0.1f, 0.1f, 0.1f }, [2, 4]);
        double[] w = Weights(plan, attention, 1);
        Assert.That(w[1], Is.EqualTo(0.6 / 0.9).Within(1e-6), "sample 0's partner holds the attended patch");
        Assert.That(w[3], Is.EqualTo(0.3 / 0.9).Within(1e-6), "sample 1's partner holds the other three");
        Assert.That(w[1], Is.Not.EqualTo(w[3]).Within(0.1));
    }

    [Test]
    public void A_blend_keeps_the_pixel_lambda_whatever_the_attention()
    {
        var plan = new MixPlan(Plane, [1, 0], [0.3, 0.8], [MixRegion.Blend, MixRegion.Blend]);
        using Tensor attention = tensor(new float[] { 0.9f, 0, 0, 0.05f, 0, 0.2f, 0.3f, 0 }, [2, 4]);
        Assert.That(Weights(plan, attention, 1), Is.EqualTo(new[] { 0.3, 0.7, 0.8, 0.2 }).Within(1e-6));
    }

    [Test]
    public void A_soft_mask_counts_each_patch_by_the_mean_of_its_pixel_shares()
    {
        // Own weights by patch: (0,0) 1, 0.5, 0, 0.5 → 0.5 own; others 1. The partner: 0.5 of patch (0,0).
        float[] own = [1, 0.5f, 1, 1, 0, 0.5f, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        var plan = new MixPlan(Plane, [1, 1], [1 - (2.0 / 16), 1], [new MaskRegion(own), MixRegion.Keep]);
        using Tensor attention = tensor(new float[] { 0.2f, 0.2f, 0.2f, 0.2f, 1, 0, 0, 0 }, [2, 4]);
        double[] w = Weights(plan, attention, 1);
        Assert.That(w[1], Is.EqualTo(0.5 * 0.2 / 0.8).Within(1e-6));
        Assert.That(w[2], Is.EqualTo(1).Within(1e-6), "a kept sample keeps its label");
        Assert.That(w[3], Is.EqualTo(0), "the slot sample 1 lacks");
    }

    [Test]
    public void Zero_attention_falls_back_to_the_area()
    {
        using Tensor attention = zeros(2, 4);
        Assert.That(Weights(Boxes(), attention, 0.5), Is.EqualTo(new[] { 0.75, 0.25, 13.0 / 16, 3.0 / 16 }).Within(1e-6));
    }

    [Test]
    public void Heads_are_averaged_and_the_grid_follows_the_aspect()
    {
        using Tensor heads = tensor(new float[] { 0.2f, 0.4f, 0.6f, 0.8f }, [1, 2, 2]);
        using Tensor averaged = TransMixStep.HeadAveraged(heads, 1);
        Assert.That(averaged.data<float>().ToArray(), Is.EqualTo(new[] { 0.4f, 0.6f }).Within(1e-7));
        Assert.That(TransMixStep.PatchGrid(49, new SpatialShape(28, 28)), Is.EqualTo((7, 7)));
        Assert.That(TransMixStep.PatchGrid(8, new SpatialShape(8, 32)), Is.EqualTo((1, 8)));
        Assert.That(TransMixStep.PatchGrid(32, new SpatialShape(16, 32)), Is.EqualTo((4, 8)));
        var e = Assert.Throws<InvalidOperationException>(() => TransMixStep.PatchGrid(50, new SpatialShape(28, 28)));
        Assert.That(e!.Message, Does.Contain("50 patches").And.Contain("28x28"));
        Assert.Throws<InvalidOperationException>(() => TransMixStep.HeadAveraged(heads, 2));
    }

    private static double[] Weights(MixPlan plan, Tensor attention, double share)
    {
        using Tensor w = ModelMixWeights.TransMix(plan, attention, 2, 2, share);
        Assert.That(w.shape, Is.EqualTo(new long[] { 2, 2 }));
        return [.. w.data<float>().ToArray().Select(v => (double)v)];
    }
}
