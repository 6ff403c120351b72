using MixAug.Planning;

namespace MixAug.Cpu;

/// <summary>
/// How a flat buffer is read under a plan: <c>[B, Channels, Plane]</c>, each plane <see cref="Height"/> rows of
/// <see cref="Width"/> (repeated over the depth of a volume). A plan of keeps and blends reads any buffer of whole
/// samples as one flat plane per sample.
/// </summary>
internal readonly record struct BatchLayout(int Channels, int Plane, int Width, int Height)
{
    /// <summary>The layout of a buffer of <paramref name="length"/> elements under <paramref name="plan"/>, or an exception naming <paramref name="name"/>.</summary>
    public static BatchLayout For(MixPlan plan, int length, string name)
    {
        int b = plan.BatchSize;
        if (length == 0 || length % b != 0)
        {
            throw new ArgumentException(
                $"{name} has {length} elements, not a whole (non-zero) number per sample for the plan's batch of {b}.", name);
        }

        int perSample = length / b;
        if (plan.IsUniform)
        {
            // Each element is its own "row": segments may end anywhere, and no box is ever cut out of them.
            return new BatchLayout(1, perSample, 1, 1);
        }

        int plane = plan.Spatial.Size;
        if (perSample % plane != 0)
        {
            throw new ArgumentException(
                $"{name} has {perSample} elements per sample, not a whole number of {plan.Spatial} planes ({plane} elements): the plan's regions are drawn over that extent, so its trailing dimensions must be {plan.Spatial}.",
                name);
        }

        return new BatchLayout(perSample / plane, plane, plan.Spatial.Width, plan.Spatial.Height);
    }
}
