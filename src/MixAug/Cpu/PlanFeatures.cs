using System.Buffers;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Cpu;

/// <summary>
/// The features computed for drawing one plan (<see cref="CpuFeatures.ComputeForOnePlan"/>), whose kept grids were
/// rented from the shared array pool.
/// </summary>
/// <param name="features">The features, to put in the plan's request.</param>
/// <param name="rented">Each saliency item whose grids were rented, and the rented array.</param>
internal sealed class PlanFeatures(BatchFeatures features, IReadOnlyList<(SaliencyMaps Maps, float[] Grids)> rented)
{
    /// <summary>The features.</summary>
    public BatchFeatures Features => features;

    /// <summary>
    /// Gives the rented grids back to the pool, except those of maps that <paramref name="plan"/> refers to (a saliency
    /// mask reads its partner's grid whenever it is applied or written out; the plan then keeps the array). Call it once,
    /// when the plan is drawn or its drawing failed (null), and read the features no more.
    /// </summary>
    /// <param name="plan">The plan drawn from the features, or null when none was.</param>
    public void Release(MixPlan? plan)
    {
        foreach ((SaliencyMaps maps, float[] grids) in rented)
        {
            if (plan is null || !plan.Regions.Any(r => r is SaliencyMaskRegion mask && ReferenceEquals(mask.Maps, maps)))
            {
                ArrayPool<float>.Shared.Return(grids);
            }
        }
    }
}
