namespace MixAug.TorchSharp.Mixing;

/// <content>Index tensors, gathers in the input's memory layout, and the view shapes that broadcast per-sample values.</content>
public static partial class TorchMixer
{
    /// <summary>Index tensors of a group of samples and of their partners, on the tensor's device.</summary>
    private static (Tensor Samples, Tensor Partners) Indices(MixPlan plan, List<int> samples, Device device) => (
        DeviceData.Upload([.. samples.Select(i => (long)i)], [samples.Count], device),
        DeviceData.Upload([.. samples.Select(i => (long)plan.Sources(i)[1])], [samples.Count], device));

    /// <summary>
    /// <c>x.index_select(0, index)</c> in <paramref name="x"/>'s memory layout: a dense tensor whose batch stride is the
    /// largest (contiguous, channels-last) is gathered as the contiguous permutation of itself, so the gathered batch has
    /// the same strides and elementwise operations between the two read both in order; other views gather contiguously.
    /// </summary>
    internal static Tensor Gather(Tensor x, Tensor index)
    {
        if (x.is_contiguous())
        {
            return x.index_select(0, index);
        }

        long[] strides = x.stride();
        long[] order = [.. Enumerable.Range(0, strides.Length).Select(d => (long)d).OrderByDescending(d => strides[d]).ThenBy(d => d)];
        Tensor dense = x.permute(order);
        if (order[0] != 0 || !dense.is_contiguous())
        {
            return x.index_select(0, index);
        }

        long[] inverse = new long[order.Length];
        for (int d = 0; d < order.Length; d++)
        {
            inverse[order[d]] = d;
        }

        return dense.index_select(0, index).permute(inverse);
    }

    /// <summary>The view shape that broadcasts one value per sample over the other dimensions: <c>[n, 1, 1, …]</c>.</summary>
    private static long[] PerSample(int count, int rank)
    {
        long[] dims = new long[rank];
        Array.Fill(dims, 1L);
        dims[0] = count;
        return dims;
    }

    /// <summary>
    /// Reshapes a per-sample tensor over the extent (<c>[n, spatial…]</c>) to broadcast over the dimensions between the
    /// batch and the extent.
    /// </summary>
    private static Tensor Broadcastable(Tensor perSample, int rank, int spatialRank)
    {
        Tensor t = perSample;
        int middle = rank - 1 - spatialRank;
        for (int k = 0; k < middle; k++)
        {
            t = t.unsqueeze(1);
        }

        return t;
    }
}
