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

    /// <summary>Whether a region only selects elements (so integer tensors can be mixed exactly).</summary>
    private sealed class SelectsOnly : IMixRegionVisitor<bool>
    {
        public static readonly SelectsOnly Instance = new();

        public bool VisitKeep(KeepRegion region) => true;

        public bool VisitBlend(BlendRegion region) => false;

        public bool VisitBox(BoxRegion region) => true;

        public bool VisitMask(MaskRegion region)
        {
            foreach (float w in region.Weights)
            {
                if (w is not (0f or 1f))
                {
                    return false;
                }
            }

            return true;
        }

        public bool VisitFourierMask(FourierMaskRegion region) => region.MaxSoft == 0 || region.OwnCount == 0 || region.OwnCount == region.Noise.Spatial.Size;

        public bool VisitSaliencyMask(SaliencyMaskRegion region) => true;

        public bool VisitTiles(TileRegion region) => true;

        public bool VisitSoftBox(SoftBoxRegion region) => false;

        public bool VisitResize(ResizeRegion region) => false;

        public bool VisitMosaic(MosaicRegion region) => false;
    }
}
