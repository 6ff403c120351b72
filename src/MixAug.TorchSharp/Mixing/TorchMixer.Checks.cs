using MixAug.Regions;
using MixAug.TorchSharp.Native;

namespace MixAug.TorchSharp.Mixing;

/// <content>The checks made before mixing: which dtypes a plan can mix, and whether two tensors share memory.</content>
public static partial class TorchMixer
{
    private static void CheckDtype(MixPlan plan, ScalarType type)
    {
        if (TensorChecks.IsFloating(type))
        {
            return;
        }

        if (type is ScalarType.Bool or ScalarType.ComplexFloat32 or ScalarType.ComplexFloat64)
        {
            throw new ArgumentException($"images have dtype {type}; use a floating-point or integer tensor.", "images");
        }

        for (int i = 0; i < plan.BatchSize; i++)
        {
            MixRegion region = plan.Regions[i];
            if (!region.Accept(SelectsOnly.Instance))
            {
                throw new ArgumentException(
                    $"images have integer dtype {type} but sample {i} of the plan ({plan.TransformName}) has a {region.Kind} region that weighs elements, which needs a floating-point tensor; convert it first (for example images.to(ScalarType.Float32)), or use CpuMixer for uint8 batches.",
                    "images");
            }
        }
    }

    private static bool SharesMemory(Tensor a, Tensor b)
    {
        // Compare the byte ranges each tensor can reach; for the contiguous tensors of a training loop they are exact.
        long aStart = (long)NativeTensor.DataPointer(a), bStart = (long)NativeTensor.DataPointer(b);
        long aEnd = aStart + (Reach(a) * a.ElementSize), bEnd = bStart + (Reach(b) * b.ElementSize);
        return aStart < bEnd && bStart < aEnd;
    }

    private static long Reach(Tensor t)
    {
        long[] shape = t.shape, strides = t.stride();
        long reach = 1;
        for (int d = 0; d < shape.Length; d++)
        {
            reach += (shape[d] - 1) * Math.Abs(strides[d]);
        }

        return reach;
    }
}
