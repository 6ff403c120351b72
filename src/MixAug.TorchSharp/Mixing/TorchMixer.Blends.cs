using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Mixing;

/// <content>
/// The libtorch path's weighted sums: two-source blends, the whole batch blended at once, blends of more sources; their
/// half-precision arithmetic and the zeros a zero-padded plan's blends read past each valid length.
/// </content>
public static partial class TorchMixer
{
    /// <summary>
    /// The batch with every sample's padding (time steps at or after its valid length) replaced by zeros, for a
    /// zero-padded plan's blends: CpuMixer reads zeros there too, so the two agree bit for bit.
    /// </summary>
    private static Tensor ZeroPastLengths(MixPlan plan, Tensor x)
    {
        SpatialShape spatial = plan.Spatial;
        int extent = spatial.Rank == 1 ? spatial.Width : spatial.Depth;
        Tensor lengths = DeviceData.Upload([.. plan.ValidLengths.ToArray().Select(l => (long)l)], [plan.BatchSize, 1], x.device);
        Tensor padding = DeviceData.Range(extent, x.device).unsqueeze(0).ge(lengths); // [B, time]
        long[] dims = PerSample(plan.BatchSize, (int)x.dim());
        dims[(int)x.dim() - spatial.Rank] = extent; // [B, 1…, time(, 1, 1)]
        return x.masked_fill(padding.view(dims), KeptScalars.Zero);
    }

    /// <summary>
    /// Two-source blends: <c>x[i]·w + x[p]·w'</c> with CpuMixer's float weights (float64 tensors use the double weights);
    /// half precision through <see cref="HalfBlend"/>.
    /// </summary>
    private static void Blend(MixPlan plan, Tensor x, Tensor result, List<int> samples)
    {
        ScalarType type = x.dtype;
        ScalarType weightType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        (Tensor index, Tensor partners) = Indices(plan, samples, x.device);
        bool single = weightType == ScalarType.Float32;
        double[] self = [.. samples.Select(i => single ? (float)plan.Weights(i)[0] : plan.Weights(i)[0])];
        double[] other = [.. samples.Select(i => single ? (float)plan.Weights(i)[1] : plan.Weights(i)[1])];
        long[] dims = PerSample(samples.Count, (int)x.dim());
        Tensor selfWeight = DeviceData.Upload(self, dims, weightType, x.device), otherWeight = DeviceData.Upload(other, dims, weightType, x.device);
        Tensor mixed = IsHalf(type)
            ? HalfBlend(Gather(x, index), Gather(x, partners), selfWeight, otherWeight)
            : Gather(x, index).mul(selfWeight).add_(Gather(x, partners).mul(otherWeight), KeptScalars.One);
        result.index_copy_(0, index, mixed);
    }

    /// <summary>
    /// Every sample blended with its partner: no copy and no scatter, and one scalar weight pair when the whole batch
    /// shares one lambda (batch-mode Mixup), so the result is two multiplies and one add over a gathered batch.
    /// </summary>
    private static Tensor BlendAll(MixPlan plan, Tensor x)
    {
        ScalarType type = x.dtype;
        Tensor partners = DeviceData.Upload([.. Enumerable.Range(0, plan.BatchSize).Select(i => (long)plan.Sources(i)[1])], [plan.BatchSize], x.device);
        Tensor gathered = Gather(x, partners);
        double lambda = plan.Lambdas[0];
        bool shared = true;
        for (int i = 1; i < plan.BatchSize && shared; i++)
        {
            shared = plan.Lambdas[i] == lambda;
        }

        if (shared)
        {
            // libtorch rounds a scalar to the tensor's type (to float32, the compute type, for half precision), so
            // pass exactly (float)λ and (float)(1 − λ) as CpuMixer does.
            bool single = type != ScalarType.Float64;
            using Scalar selfScalar = single ? (float)lambda : lambda, otherScalar = single ? (float)plan.Weights(0)[1] : plan.Weights(0)[1];
            return IsHalf(type)
                ? gathered.mul_(otherScalar).add_(x, selfScalar) // x·λ added in float32 and rounded once
                : x.mul(selfScalar).add_(gathered.mul_(otherScalar), KeptScalars.One);
        }

        ScalarType weightType = type == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32;
        bool floats = weightType == ScalarType.Float32;
        long[] dims = PerSample(plan.BatchSize, (int)x.dim());
        double[] self = [.. Enumerable.Range(0, plan.BatchSize).Select(i => floats ? (float)plan.Weights(i)[0] : plan.Weights(i)[0])];
        double[] other = [.. Enumerable.Range(0, plan.BatchSize).Select(i => floats ? (float)plan.Weights(i)[1] : plan.Weights(i)[1])];
        Tensor selfWeight = DeviceData.Upload(self, dims, weightType, x.device), otherWeight = DeviceData.Upload(other, dims, weightType, x.device);
        return IsHalf(type)
            ? HalfBlend(x, gathered, selfWeight, otherWeight)
            : x.mul(selfWeight).add_(gathered.mul_(otherWeight), KeptScalars.One);
    }

    /// <summary>A blend of more than two sources: the running sum plus each source times its float weight, in slot order.</summary>
    private static void BlendMany(MixPlan plan, Tensor x, Tensor result, int sample)
    {
        int[] sources = plan.Sources(sample).ToArray();
        double[] weights = plan.Weights(sample).ToArray();
        bool single = x.dtype != ScalarType.Float64;
        Tensor Weighted(int k)
        {
            using Scalar weight = single ? (float)weights[k] : weights[k];
            return x[sources[k]].to(single ? ScalarType.Float32 : ScalarType.Float64).mul(weight);
        }

        Tensor sum = Weighted(0).add_(Weighted(1), KeptScalars.One);
        for (int k = 2; k < sources.Length; k++)
        {
            sum = sum.add_(Weighted(k), KeptScalars.One);
        }

        result[sample].copy_(sum.to(x.dtype));
    }

    /// <summary>
    /// <c>partner·w' + self·w</c> for a half-precision batch, kept in its dtype: the partner term is rounded to the dtype
    /// in place on the gathered partners (a fresh tensor), then <c>self·w</c> is added in float32 and the sum rounded
    /// once. The weights stay float32 (scalars or <c>[n, 1, …]</c> tensors), so no float32 copy of the batch is made.
    /// </summary>
    private static Tensor HalfBlend(Tensor self, Tensor partners, Tensor selfWeight, Tensor otherWeight) =>
        partners.mul_(otherWeight).addcmul_(self, selfWeight, KeptScalars.One);

    private static bool IsHalf(ScalarType type) => type is ScalarType.Float16 or ScalarType.BFloat16;
}
