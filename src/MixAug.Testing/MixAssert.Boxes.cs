using System.Globalization;
using MixAug.Labels;
using MixAug.Planning;

namespace MixAug.Testing;

/// <content>
/// Detection boxes against the plan, by BoxMixer's documented rules worked out again from the region's geometry (not by
/// BoxMixer), so a bug in that mixer or in your own is caught.
/// </content>
public static partial class MixAssert
{
    /// <summary>
    /// Checks mixed detection boxes, in any order per image: each output box is a source box as the plan shows it (a
    /// blended source's box whole, with its weight times the source's; a resized source's box scaled, shifted and
    /// clipped to the rectangle that shows the source; otherwise the box cut to the part of it where its source's pixels
    /// show, weighted by their mean weight there), with the source box's class; every source box more than
    /// <paramref name="minVisibleFraction"/> of which stays visible (and whose sides exceed <paramref name="minSide"/>)
    /// is there, and no other. A box whose fraction or side lies on its threshold to float precision may go either way.
    /// </summary>
    /// <param name="plan">The plan that mixed the images, over a height × width extent.</param>
    /// <param name="boxes">The boxes of each image before mixing, in batch order.</param>
    /// <param name="mixed">The boxes of each mixed image.</param>
    /// <param name="minVisibleFraction">The visible fraction a kept box must exceed, in [0, 1) (as given to <see cref="BoxMixer.Mix"/>).</param>
    /// <param name="minSide">The side, in pixels, both sides of a cut or moved box must exceed; finite and at least 0.</param>
    /// <param name="tolerance">Largest accepted difference of a corner or weight, relative to its size where above 1.</param>
    /// <exception cref="ArgumentNullException"><paramref name="plan"/>, a list or one of its items is null.</exception>
    /// <exception cref="ArgumentException">The plan is not over a 2-D extent, a list is not one per sample, or a source box lies outside its image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="minVisibleFraction"/>, <paramref name="minSide"/> or
    /// <paramref name="tolerance"/> is outside its range.</exception>
    /// <exception cref="MixInvariantException">A box is not one the plan shows, has the wrong weight, is kept though it
    /// is too little visible, or is missing.</exception>
    public static void BoxesFollowPlan(
        MixPlan plan,
        IReadOnlyList<DetectionBoxes> boxes,
        IReadOnlyList<DetectionBoxes> mixed,
        double minVisibleFraction = BoxMixer.DefaultMinVisibleFraction,
        double minSide = 0,
        double tolerance = 1e-5)
    {
        CheckBoxArguments(plan, boxes, mixed, minVisibleFraction, minSide);
        CheckTolerance(tolerance);
        for (int i = 0; i < plan.BatchSize; i++)
        {
            List<ExpectedBoxes.Candidate> candidates = ExpectedBoxes.For(plan, i, boxes, minVisibleFraction, minSide);
            var matched = new bool[candidates.Count];
            DetectionBoxes actual = mixed[i];
            for (int b = 0; b < actual.Count; b++)
            {
                ReadOnlySpan<float> corners = actual.Corners.Slice(4 * b, 4);
                int found = -1;
                for (int c = 0; c < candidates.Count && found < 0; c++)
                {
                    bool allowed = (candidates[c].Kept || candidates[c].Optional) && !matched[c];
                    found = allowed && Same(candidates[c], actual.Classes[b], corners, actual.Weights[b], tolerance, withWeight: true) ? c : -1;
                }

                if (found < 0)
                {
                    throw new MixInvariantException($"Sample {i} ({plan.Regions[i]}): output box {b} {Describe(actual, b)} {Explain(candidates, actual, b, minVisibleFraction, minSide, tolerance)}", i);
                }

                matched[found] = true;
            }

            for (int c = 0; c < candidates.Count; c++)
            {
                if (candidates[c].Kept && !candidates[c].Optional && !matched[c])
                {
                    throw new MixInvariantException(
                        $"Sample {i} ({plan.Regions[i]}): {candidates[c]} is missing; more than {minVisibleFraction} of it is visible (and its sides exceed {minSide}), so it must be kept.", i);
                }
            }
        }
    }

    /// <summary>Why an output box matches no kept source box: which source box it resembles, and how it differs.</summary>
    private static string Explain(List<ExpectedBoxes.Candidate> candidates, DetectionBoxes actual, int b, double minVisibleFraction, double minSide, double tolerance)
    {
        ReadOnlySpan<float> corners = actual.Corners.Slice(4 * b, 4);
        foreach (ExpectedBoxes.Candidate c in candidates)
        {
            if (Same(c, actual.Classes[b], corners, actual.Weights[b], tolerance, withWeight: false))
            {
                return !c.Kept
                    ? $"is {c}, which must be dropped: a kept box needs a visible fraction above {minVisibleFraction} and sides above {minSide}."
                    : $"has the place of {c}, but weight {actual.Weights[b].ToString("G7", CultureInfo.InvariantCulture)} instead of {c.Weight.ToString("G7", CultureInfo.InvariantCulture)}, or is listed twice.";
            }
        }

        float[] place = corners.ToArray();
        ExpectedBoxes.Candidate? nearest = candidates.Where(c => c.Class == actual.Classes[b])
            .OrderBy(c => Enumerable.Range(0, 4).Sum(k => Math.Abs(c.Corners[k] - place[k])))
            .FirstOrDefault();
        return nearest is null
            ? $"has class {actual.Classes[b]}, which no source box of the sample has."
            : $"is no source box as the plan shows it (shifted, scaled or clipped wrongly?); the nearest of class {actual.Classes[b]} is {nearest}{(nearest.Kept ? string.Empty : ", which must be dropped")}.";
    }

    private static bool Same(ExpectedBoxes.Candidate c, int @class, ReadOnlySpan<float> corners, float weight, double tolerance, bool withWeight)
    {
        if (c.Class != @class)
        {
            return false;
        }

        for (int k = 0; k < 4; k++)
        {
            if (!Close(corners[k], c.Corners[k], tolerance))
            {
                return false;
            }
        }

        return !withWeight || Close(weight, c.Weight, tolerance);
    }

    private static bool Close(double actual, double expected, double tolerance) => Math.Abs(actual - expected) <= tolerance * Math.Max(1, Math.Abs(expected));

    private static string Describe(DetectionBoxes boxes, int b)
    {
        ReadOnlySpan<float> c = boxes.Corners.Slice(4 * b, 4);
        return string.Create(CultureInfo.InvariantCulture, $"(class {boxes.Classes[b]}, ({c[0]:G7}, {c[1]:G7}, {c[2]:G7}, {c[3]:G7}), weight {boxes.Weights[b]:G7})");
    }

    private static void CheckBoxArguments(MixPlan plan, IReadOnlyList<DetectionBoxes> boxes, IReadOnlyList<DetectionBoxes> mixed, double minVisibleFraction, double minSide)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentNullException.ThrowIfNull(mixed);
        if (plan.Spatial.Rank != 2)
        {
            throw new ArgumentException($"The plan is drawn over {plan.Spatial}; detection boxes need a height × width extent.", nameof(plan));
        }

        if (!(minVisibleFraction >= 0 && minVisibleFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(minVisibleFraction), minVisibleFraction, $"minVisibleFraction must lie in [0, 1); it was {minVisibleFraction}.");
        }

        if (!(minSide >= 0 && double.IsFinite(minSide)))
        {
            throw new ArgumentOutOfRangeException(nameof(minSide), minSide, $"minSide must be finite and at least 0; it was {minSide}.");
        }

        foreach ((IReadOnlyList<DetectionBoxes> list, string name) in new[] { (boxes, nameof(boxes)), (mixed, nameof(mixed)) })
        {
            if (list.Count != plan.BatchSize)
            {
                throw new ArgumentException($"{name} has {list.Count} images but the plan mixes a batch of {plan.BatchSize}.", name);
            }

            for (int i = 0; i < list.Count; i++)
            {
                _ = list[i] ?? throw new ArgumentNullException(name, $"The boxes of image {i} in {name} are null; use DetectionBoxes.Empty.");
            }
        }

        int h = plan.Spatial.Height, w = plan.Spatial.Width;
        for (int i = 0; i < boxes.Count; i++)
        {
            ReadOnlySpan<float> c = boxes[i].Corners;
            for (int b = 0; b < boxes[i].Count; b++)
            {
                if (c[4 * b] < 0 || c[(4 * b) + 1] < 0 || c[(4 * b) + 2] > w || c[(4 * b) + 3] > h)
                {
                    throw new ArgumentException($"Box {b} of image {i} is ({c[4 * b]}, {c[(4 * b) + 1]}, {c[(4 * b) + 2]}, {c[(4 * b) + 3]}), outside the {w}x{h} image.", nameof(boxes));
                }
            }
        }
    }
}
