using MixAug.Planning;
using MixAug.Regions;
using MixAug.Training.ModelMixing;
using static TorchSharp.torch;

namespace MixAug.Training.Tests.ModelMixing;

/// <summary>SnapMix's label weights on 4x4 images, from class activation maps set by hand.</summary>
public class SnapMixWeightsTests
{
    private static readonly SpatialShape Plane = new(4, 4);

    /// <summary>Map 0 has all its mass in the top-left 2x2 patch (0.25 each pixel); map 1 spreads its mass evenly.</summary>
    private static Tensor Maps()
    {
        float[] first = new float[16], second = new float[16];
        foreach (int p in new[] { 0, 1, 4, 5 })
        {
            first[p] = 0.25f;
        }

        Array.Fill(second, 1f / 16);
        return tensor([.. first, .. second], [2, 4, 4]);
    }

    [Test]
    public void Each_source_weighs_its_own_maps_mass_on_the_pixels_it_supplies()
    {
        // Both samples take the top-left 2x2 box from their partner. Sample 0: its own mass outside the box is 0, its
        // partner's (map 1) inside the box is 4/16. Sample 1: its own mass outside is 12/16, map 0's inside the box is 1.
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.75], [new BoxRegion(0, 0, 2, 2), new BoxRegion(0, 0, 2, 2)]);
        using Tensor maps = Maps();
        double[] w = Weights(plan, maps);
        Assert.That(w, Is.EqualTo(new[] { 0, 0.25, 0.75, 1 }).Within(1e-6));
        Assert.That(w[2] + w[3], Is.EqualTo(1.75).Within(1e-6), "SnapMix's weights need not sum to 1");
    }

    /// <summary>A planted defect: reading the sample's own map for its partner (or the partner's for itself) gives
    /// the weights of the other sample.</summary>
    [Test]
    public void Swapping_the_maps_changes_the_weights()
    {
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.75], [new BoxRegion(0, 0, 2, 2), new BoxRegion(0, 0, 2, 2)]);
        using Tensor maps = Maps(), swapped = Maps().flip(0);
        Assert.That(Weights(plan, swapped), Is.EqualTo(new[] { 0.75, 1, 0, 0.25 }).Within(1e-6));
        Assert.That(Weights(plan, swapped), Is.Not.EqualTo(Weights(plan, maps)));
    }

    [Test]
    public void A_resized_partner_brings_its_whole_mass_and_a_blend_its_lambda()
    {
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.4], [new ResizeRegion(Plane, 2, 2, 4, 4), MixRegion.Blend]);
        using Tensor maps = Maps();
        // Sample 0 shows all of map 1, shrunk into the bottom-right box, and keeps all of its own mass outside it.
        Assert.That(Weights(plan, maps), Is.EqualTo(new[] { 1, 1, 0.4, 0.6 }).Within(1e-6));
    }

    [Test]
    public void An_asymmetric_patch_brings_its_partners_mass_in_the_partners_box()
    {
        // Sample 1 shows map 0's top-left 2x2 box (all of its mass, 1) shrunk into its bottom-right 1x1; sample 0 shows
        // map 1's bottom row, 4 pixels of 1/16, stretched into its top 2x4 rows (its own mass outside them: map 0 has
        // none there). Measuring the sample's box in the partner's map instead would give map 1's 8/16 and map 0's 0.
        var plan = new MixPlan(
            Plane,
            [1, 0],
            [0.5, 15.0 / 16],
            [new ResizeRegion(Plane, 0, 0, 2, 4).WithPartnerBox(3, 0, 4, 4), new ResizeRegion(Plane, 3, 3, 4, 4).WithPartnerBox(0, 0, 2, 2)]);
        using Tensor maps = Maps();
        Assert.That(Weights(plan, maps), Is.EqualTo(new[] { 0, 0.25, 15.0 / 16, 1 }).Within(1e-6));
    }

    [Test]
    public void A_constant_map_gives_its_source_the_area_share()
    {
        using Tensor raw = tensor([.. Enumerable.Repeat(2f, 16), .. Enumerable.Range(0, 16).Select(p => (float)p)], [2, 4, 4]);
        using Tensor maps = ModelMixWeights.NormaliseMaps(raw);
        float[] normalised = maps.data<float>().ToArray();
        Assert.That(normalised.Take(16), Has.All.NaN, "a constant map has nothing to normalise");
        Assert.That(normalised.Skip(16), Is.EqualTo(Enumerable.Range(0, 16).Select(p => p / 120f)).Within(1e-7), "minus 0, over 0 + 1 + … + 15");

        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.75], [new BoxRegion(0, 0, 2, 2), new BoxRegion(0, 0, 2, 2)]);
        double[] w = Weights(plan, maps);
        Assert.That(w[0], Is.EqualTo(0.75).Within(1e-6), "sample 0's own map is constant: its area");
        Assert.That(w[1], Is.EqualTo((0 + 1 + 4 + 5) / 120.0).Within(1e-6));
        Assert.That(w[2], Is.EqualTo(1 - ((0 + 1 + 4 + 5) / 120.0)).Within(1e-6));
        Assert.That(w[3], Is.EqualTo(0.25).Within(1e-6), "sample 1's partner's map is constant: its area");
    }

    [Test]
    public void Soft_targets_add_the_weights_of_sources_with_one_label_and_smooth_each()
    {
        var plan = new MixPlan(Plane, [1, 0], [0.75, 0.75], [new BoxRegion(0, 0, 2, 2), new BoxRegion(0, 0, 2, 2)]);
        using Tensor weights = tensor(new float[] { 0.2f, 0.7f, 0.5f, 0.5f }, [2, 2]);
        using Tensor differ = ModelMixWeights.SoftTargets(plan, weights, tensor(new long[] { 0, 2 }), 3, 0.3);
        using Tensor same = ModelMixWeights.SoftTargets(plan, weights, tensor(new long[] { 1, 1 }), 3, 0);

        // Row 0: 0.2·(0.8, 0.1, 0.1) + 0.7·(0.1, 0.1, 0.8); row 1: 0.5·(0.1, 0.1, 0.8) + 0.5·(0.8, 0.1, 0.1).
        Assert.That(differ.data<float>().ToArray(), Is.EqualTo(new[] { 0.23, 0.09, 0.58, 0.45, 0.1, 0.45 }).Within(1e-6));
        Assert.That(same.data<float>().ToArray(), Is.EqualTo(new[] { 0, 0.9, 0, 0, 1, 0 }).Within(1e-6));
    }

    private static double[] Weights(MixPlan plan, Tensor maps)
    {
        using Tensor w = ModelMixWeights.SnapMix(plan, maps);
        return [.. w.data<float>().ToArray().Select(v => (double)v)];
    }
}
