using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;

namespace MixAug.Testing.Tests;

/// <summary>
/// The box check passes on BoxMixer's output for every region kind over many seeds and thresholds, agrees with
/// hand-worked boxes, and catches each planted defect (made by altering a correct output).
/// </summary>
public class MixAssertBoxesTests
{
    [Test]
    public void PassesOnBoxMixersOutputForEveryRegionKindOverManySeedsAndThresholds()
    {
        var kinds = new HashSet<MixRegionKind>();
        int boxes = 0;
        foreach ((string name, MixPlan plan) in DensePlans.EveryRegionKind(10))
        {
            kinds.UnionWith(plan.Regions.Select(r => r.Kind));
            DetectionBoxes[] input = RandomBoxes(new MixRandom((ulong)name.GetHashCode(StringComparison.Ordinal)), plan);
            foreach ((double fraction, double side) in new[] { (BoxMixer.DefaultMinVisibleFraction, 0.0), (0.0, 0.0), (0.5, BoxMixer.YoloMinSide) })
            {
                DetectionBoxes[] mixed = BoxMixer.Mix(plan, input, fraction, minSide: side);
                boxes += mixed.Sum(m => m.Count);
                Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(plan, input, mixed, fraction, side), $"{name}, threshold {fraction}, side {side}");
                Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(plan, input, [.. mixed.Select(Reversed)], fraction, side), $"{name}: in any order");
            }
        }

        Assert.That(kinds, Is.EquivalentTo(Enum.GetValues<MixRegionKind>()), "every region kind was checked");
        Assert.That(boxes, Is.GreaterThan(5000), "enough boxes were checked");
    }

    [Test]
    public void AgreesWithHandWorkedBoxesOfACutAndAResizedPartner()
    {
        // 10 × 10 images; sample 0 shows sample 1 in rows and columns [0, 5).
        var spatial = new SpatialShape(10, 10);
        var cut = new MixPlan(spatial, [1, 1], [0.75, 1], [new BoxRegion(0, 0, 5, 5), MixRegion.Keep]);
        DetectionBoxes[] input =
        [
            new([2, 2, 8, 8, 0, 0, 4, 4], [0, 1]),   // (2, 2, 8, 8) loses a 3 × 3 corner: 27/36 visible; (0, 0, 4, 4) is hidden
            new([1, 1, 4, 4, 6, 6, 9, 9], [2, 3]),   // (1, 1, 4, 4) lies in the paste; (6, 6, 9, 9) outside it
        ];
        DetectionBoxes[] expected = [new([2, 2, 8, 8, 1, 1, 4, 4], [0, 2]), input[1]];
        Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(cut, input, expected));
        Assert.That(BoxMixer.Mix(cut, input)[0].Corners.ToArray(), Is.EqualTo(expected[0].Corners.ToArray()), "BoxMixer agrees");

        // A 10 → 5 resize of the partner halves its boxes: (2, 4, 6, 8) shows at (1, 2, 3, 4); (6, 6, 9, 9) at
        // (3, 3, 4.5, 4.5); the own box (2, 2, 8, 8) keeps the part outside the paste's 5 × 5 corner as above.
        var resized = new MixPlan(spatial, [1, 1], [0.75, 1], [new ResizeRegion(spatial, 0, 0, 5, 5), MixRegion.Keep]);
        DetectionBoxes[] partner = [new([2, 2, 8, 8], [0]), new([2, 4, 6, 8, 6, 6, 9, 9], [2, 3])];
        DetectionBoxes[] moved = [new([2, 2, 8, 8, 1, 2, 3, 4, 3, 3, 4.5f, 4.5f], [0, 2, 3]), partner[1]];
        Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(resized, partner, moved));
        Assert.That(BoxMixer.Mix(resized, partner)[0].Corners.ToArray(), Is.EqualTo(moved[0].Corners.ToArray()), "BoxMixer agrees");
    }

    [Test]
    public void ABoxOnTheThresholdMayGoEitherWayButNotBelowOrAbove()
    {
        // The own box (2, 2, 8, 8) keeps 27/36 = 0.75 exactly outside the 5 × 5 paste.
        var spatial = new SpatialShape(10, 10);
        var cut = new MixPlan(spatial, [1, 1], [0.75, 1], [new BoxRegion(0, 0, 5, 5), MixRegion.Keep]);
        DetectionBoxes[] input = [new([2, 2, 8, 8], [0]), DetectionBoxes.Empty];
        DetectionBoxes[] kept = [input[0], DetectionBoxes.Empty], dropped = [DetectionBoxes.Empty, DetectionBoxes.Empty];
        Assert.That(BoxMixer.Mix(cut, input, 0.75)[0].Count, Is.Zero, "BoxMixer's threshold is strict");
        Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(cut, input, dropped, 0.75));
        Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(cut, input, kept, 0.75), "0.75 lies on the threshold");
        Assert.That(Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(cut, input, dropped, 0.7))!.Message, Does.Contain("is missing"));
        Assert.That(Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(cut, input, kept, 0.8))!.Message, Does.Contain("which must be dropped"));
    }

    [Test]
    public void CatchesAShiftedBox()
    {
        (MixPlan plan, DetectionBoxes[] input, DetectionBoxes[] mixed, int sample) = Mixed("ResizeMix", MixRegionKind.Resize);
        DetectionBoxes[] shifted = [.. mixed];
        shifted[sample] = Alter(mixed[sample], 0, (corners, _) => { corners[0] += 1; corners[2] += 1; });
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(plan, input, shifted));
        Assert.That(e!.Sample, Is.EqualTo(sample));
        Assert.That(e.Message, Does.Contain("output box 0").And.Contain("shifted, scaled or clipped wrongly"));
    }

    [Test]
    public void CatchesAWrongWeight()
    {
        (MixPlan plan, DetectionBoxes[] input, DetectionBoxes[] mixed, int sample) = Mixed("MixUp", MixRegionKind.Blend);
        DetectionBoxes[] wrong = [.. mixed];
        wrong[sample] = Alter(mixed[sample], 0, (_, weights) => weights[0] = 1f);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(plan, input, wrong));
        Assert.That(e!.Message, Does.Contain("but weight 1 instead of"));
    }

    [Test]
    public void CatchesADroppedBoxThatShouldStay()
    {
        (MixPlan plan, DetectionBoxes[] input, DetectionBoxes[] mixed, int sample) = Mixed("CutMix", MixRegionKind.Box);
        DetectionBoxes[] dropped = [.. mixed];
        DetectionBoxes boxes = mixed[sample];
        dropped[sample] = new DetectionBoxes(boxes.Corners[4..], boxes.Classes[1..], boxes.Weights[1..]);
        var e = Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(plan, input, dropped));
        Assert.That(e!.Message, Does.Contain("is missing").And.Contain("must be kept"));
    }

    [Test]
    public void CatchesAKeptBoxBelowTheThreshold()
    {
        foreach ((string name, MixPlan plan) in DensePlans.EveryRegionKind(10).Where(p => p.Name.StartsWith("CutMix", StringComparison.Ordinal) || p.Name.StartsWith("Mosaic", StringComparison.Ordinal)))
        {
            DetectionBoxes[] input = RandomBoxes(new MixRandom(5), plan);
            DetectionBoxes[] all = BoxMixer.Mix(plan, input, 0), strict = BoxMixer.Mix(plan, input, 0.5);
            int sample = Enumerable.Range(0, plan.BatchSize).FirstOrDefault(i => all[i].Count > strict[i].Count, -1);
            if (sample < 0)
            {
                continue;
            }

            // The output at threshold 0 keeps a box that threshold 0.5 drops: checked against 0.5, it is one too many.
            var e = Assert.Throws<MixInvariantException>(() => MixAssert.BoxesFollowPlan(plan, input, all, 0.5));
            Assert.That(e!.Message, Does.Contain("which must be dropped").And.Contain("above 0.5"), name);
            return;
        }

        Assert.Fail("No plan had a box between thresholds 0 and 0.5.");
    }

    [Test]
    public void RejectsBadArgumentsByName()
    {
        MixPlan plan = FixedPlans.Blend(DensePlans.Shape, 0.3);
        DetectionBoxes[] none = [.. Enumerable.Repeat(DetectionBoxes.Empty, plan.BatchSize)];
        Assert.That(Assert.Throws<ArgumentException>(() => MixAssert.BoxesFollowPlan(plan, none, none[1..]))!.ParamName, Is.EqualTo("mixed"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.BoxesFollowPlan(plan, none, none, 1))!.ParamName, Is.EqualTo("minVisibleFraction"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.BoxesFollowPlan(plan, none, none, minSide: double.NaN))!.ParamName, Is.EqualTo("minSide"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixAssert.BoxesFollowPlan(plan, none, none, tolerance: -1))!.ParamName, Is.EqualTo("tolerance"));
        DetectionBoxes[] outside = [.. none];
        outside[2] = new DetectionBoxes([0, 0, 11, 5], [0]);
        var e = Assert.Throws<ArgumentException>(() => MixAssert.BoxesFollowPlan(plan, outside, none));
        Assert.That(e!.ParamName, Is.EqualTo("boxes"));
        Assert.That(e.Message, Does.Contain("Box 0 of image 2").And.Contain("10x12"));
        DetectionBoxes[] holes = [.. none];
        holes[1] = null!;
        Assert.That(Assert.Throws<ArgumentNullException>(() => MixAssert.BoxesFollowPlan(plan, none, holes))!.ParamName, Is.EqualTo("mixed"));
    }

    /// <summary>A plan of <paramref name="name"/>'s method, random boxes, BoxMixer's output, and a sample of region <paramref name="kind"/> with a box.</summary>
    private static (MixPlan Plan, DetectionBoxes[] Input, DetectionBoxes[] Mixed, int Sample) Mixed(string name, MixRegionKind kind)
    {
        foreach ((string planName, MixPlan plan) in DensePlans.EveryRegionKind(20).Where(p => p.Name.StartsWith(name + " seed", StringComparison.Ordinal)))
        {
            DetectionBoxes[] input = RandomBoxes(new MixRandom(9), plan);
            DetectionBoxes[] mixed = BoxMixer.Mix(plan, input);
            int sample = Enumerable.Range(0, plan.BatchSize).FirstOrDefault(i => plan.Regions[i].Kind == kind && mixed[i].Count > 0, -1);
            if (sample >= 0)
            {
                Assert.DoesNotThrow(() => MixAssert.BoxesFollowPlan(plan, input, mixed), $"{planName} before the defect is planted");
                return (plan, input, mixed, sample);
            }
        }

        throw new InvalidOperationException($"No {name} plan with a {kind} sample that keeps a box.");
    }

    /// <summary>Two to five boxes per image, with fractional corners, classes in [0, 4) and weights in (0, 1].</summary>
    private static DetectionBoxes[] RandomBoxes(MixRandom random, MixPlan plan)
    {
        int h = plan.Spatial.Height, w = plan.Spatial.Width;
        var images = new DetectionBoxes[plan.BatchSize];
        for (int i = 0; i < images.Length; i++)
        {
            int count = 2 + random.NextInt(4);
            var corners = new float[4 * count];
            for (int b = 0; b < count; b++)
            {
                float x0 = (float)(random.NextDouble() * (w - 1)), y0 = (float)(random.NextDouble() * (h - 1));
                corners[4 * b] = x0;
                corners[(4 * b) + 1] = y0;
                corners[(4 * b) + 2] = Math.Min(w, x0 + 0.5f + (float)(random.NextDouble() * w / 2));
                corners[(4 * b) + 3] = Math.Min(h, y0 + 0.5f + (float)(random.NextDouble() * h / 2));
            }

            int[] classes = [.. Enumerable.Range(0, count).Select(_ => random.NextInt(4))];
            float[] weights = [.. Enumerable.Range(0, count).Select(_ => 1f - (float)(random.NextDouble() * 0.5))];
            images[i] = new DetectionBoxes(corners, classes, weights);
        }

        return images;
    }

    private static DetectionBoxes Reversed(DetectionBoxes boxes)
    {
        int[] order = [.. Enumerable.Range(0, boxes.Count).Reverse()];
        float[] corners = [.. order.SelectMany(b => boxes.Corners.Slice(4 * b, 4).ToArray())];
        return new DetectionBoxes(corners, [.. order.Select(b => boxes.Classes[b])], [.. order.Select(b => boxes.Weights[b])]);
    }

    /// <summary>A copy of <paramref name="boxes"/> with box <paramref name="index"/>'s corners and weights changed by <paramref name="change"/>.</summary>
    private static DetectionBoxes Alter(DetectionBoxes boxes, int index, Action<float[], float[]> change)
    {
        float[] corners = boxes.Corners.Slice(4 * index, 4).ToArray(), weights = [boxes.Weights[index]];
        change(corners, weights);
        float[] all = boxes.Corners.ToArray(), allWeights = boxes.Weights.ToArray();
        corners.CopyTo(all, 4 * index);
        allWeights[index] = weights[0];
        return new DetectionBoxes(all, boxes.Classes, allWeights);
    }
}
