using MixAug.Masks;
using MixAug.Regions;
using MixAug.Saliency;
using MixAug.TorchSharp.Native;
using TorchSharp;

namespace MixAug.TorchSharp.Mixing;

/// <summary>
/// Rasterises the masks of a plan on the images' device from their compact recipes, never from a per-element host
/// array (except <see cref="MaskRegion"/>, whose recipe is its per-element weights): FMix noise from the kept bins of its
/// spectrum (a few hundred values per image) by two matrix products, saliency masks from the partner's small grid by
/// bilinear upsampling, and both thresholded by a stable sort that gives exactly the plan's own-element count.
/// </summary>
/// <remarks>
/// <para><b>Agreement with <see cref="RegionRasterizer"/>.</b> Ranking and thresholding are exact: largest value first,
/// ties to the smaller index (a stable descending sort), the same soft-edge layout and ramp values bit for bit, so the
/// number of own elements and the mask's mean are exactly the plan's. Saliency values are upsampled with the CPU's
/// operations in the CPU's order and precision (rows in float64, columns in float32), so saliency masks are the CPU's bit
/// for bit. FMix noise is synthesised in float64 and rounded to float32, where the CPU sums float32 fused multiply-adds:
/// the two images differ by a few float32 rounding steps (relative 1e-5 of the image's range at most, tested), so an element
/// whose noise value is that close to the threshold value may swap sides with another such element; the own count never
/// changes. One difference in the ordering itself: the device compares −0 and +0 as equal (then by index), the CPU ranks
/// +0 first; no synthesised noise or normalised saliency holds −0.</para>
/// </remarks>
internal static class DeviceMasks
{
    /// <summary>
    /// The own weights <c>[n, N]</c> (float32, N the plan's element count) of the mask samples <paramref name="samples"/>,
    /// on <paramref name="device"/> (1 past a Fourier mask that covers only the first positions along time); temporaries
    /// join the caller's dispose scope.
    /// </summary>
    public static Tensor OwnWeights(MixPlan plan, IReadOnlyList<int> samples, Device device)
    {
        int n = plan.Spatial.Size;
        Tensor own = empty([samples.Count, n], ScalarType.Float32, device);
        var fourier = new List<int>();
        var saliency = new List<int>();
        var explicitWeights = new List<int>();
        for (int k = 0; k < samples.Count; k++)
        {
            (plan.Regions[samples[k]] switch
            {
                FourierMaskRegion => fourier,
                SaliencyMaskRegion => saliency,
                _ => explicitWeights,
            }).Add(k);
        }

        if (fourier.Count > 0)
        {
            FourierMasks(plan, samples, fourier, own, device);
        }

        if (saliency.Count > 0)
        {
            SaliencyMasks(plan, samples, saliency, own, device);
        }

        if (explicitWeights.Count > 0)
        {
            // A MaskRegion's recipe is its weights: they are uploaded as they are. A SoftBoxRegion (SmoothMix) is
            // rasterised here by the one rasteriser and uploaded too: one per-element upload per such sample, not yet
            // built on the device from its row and column fall-offs.
            var weights = new float[explicitWeights.Count * n];
            for (int j = 0; j < explicitWeights.Count; j++)
            {
                int sample = samples[explicitWeights[j]];
                Span<float> target = weights.AsSpan(j * n, n);
                if (plan.Regions[sample] is MaskRegion mask)
                {
                    mask.Weights.CopyTo(target);
                }
                else
                {
                    RegionRasterizer.WriteOwnWeights(plan.Regions[sample], plan.Spatial, plan.Lambdas[sample], target);
                }
            }

            own.index_copy_(0, Positions(explicitWeights, device), DeviceData.Upload(weights, [explicitWeights.Count, n], device));
        }

        return own;
    }

    /// <summary>Whether every mask of <paramref name="samples"/> holds only the weights 0 and 1, known from the recipes alone.</summary>
    public static bool AreBinary(MixPlan plan, IReadOnlyList<int> samples) =>
        samples.All(i => plan.Regions[i].Accept(SelectsOnly.Instance));

    /// <summary>
    /// The noise images of <paramref name="noises"/> (one synthesis key), <c>[U, N]</c> float32 on the device: each is
    /// <c>Σ_c Re(z_c(p))·g_c·cos(2πk_c·x/W) − Im(z_c(p))·g_c·sin(2πk_c·x/W)</c> with
    /// <c>z_c(p) = Σ_bins in column c X·exp(2πi·(q_d·d/D + q·y/H))</c>, as <see cref="FourierNoise"/> defines it.
    /// </summary>
    internal static Tensor SynthesizeNoise(IReadOnlyList<FourierNoise> noises, Device device)
    {
        FourierNoise first = noises[0];
        FourierSynthesis tables = first.Tables(null);
        SpatialShape spatial = first.Spatial;
        int w = spatial.Width, half = (w / 2) + 1, size = spatial.Size, outer = size / w;
        int height = spatial.Rank >= 2 ? spatial.Height : 1, depth = spatial.Rank == 3 ? spatial.Depth : 1;
        int[] bins = tables.Bins;
        int kept = bins.Length;
        long[] columnsOf = [.. bins.Select(b => (long)(b % half)).Distinct().Order()];
        long[] rowsOf = [.. bins.Select(b => (long)(b / half)).Distinct().Order()];
        int columns = columnsOf.Length, rows = rowsOf.Length;

        // The compact recipe: the kept bins' values of every image (drawn on the host, as the CPU draws them) and where
        // each bin sits in the [columns, rows] coefficient grid.
        double[] re = new double[noises.Count * kept], im = new double[noises.Count * kept];
        for (int u = 0; u < noises.Count; u++)
        {
            tables.DrawBins(new Randomness.MixRandom(noises[u].Seed), re.AsSpan(u * kept, kept), im.AsSpan(u * kept, kept));
        }

        long[] cell = [.. bins.Select(b => (Array.BinarySearch(columnsOf, (long)(b % half)) * (long)rows) + Array.BinarySearch(rowsOf, (long)(b / half)))];
        Tensor place = DeviceData.Upload(cell, [kept], device);
        Tensor cr = zeros([noises.Count, columns * rows], ScalarType.Float64, device)
            .index_copy_(1, place, DeviceData.Upload(re, [noises.Count, kept], ScalarType.Float64, device)).view(noises.Count, columns, rows);
        Tensor ci = zeros([noises.Count, columns * rows], ScalarType.Float64, device)
            .index_copy_(1, place, DeviceData.Upload(im, [noises.Count, kept], ScalarType.Float64, device)).view(noises.Count, columns, rows);

        // Outer axes: exp(2πi·m/(H·D)) with m = (q·y·D + q_d·d·H) mod (H·D), exact integers before the one rounding.
        Tensor frequencies = DeviceData.Upload(rowsOf, [rows, 1], device);
        using Scalar heightScalar = height.ToScalar(), depthScalar = depth.ToScalar(), cellsScalar = (height * depth).ToScalar();
        using Scalar twoPi = (2 * Math.PI).ToScalar(), cellsDouble = (height * (double)depth).ToScalar();
        Tensor q = frequencies.remainder(heightScalar), qd = frequencies.div(heightScalar, rounding_mode: RoundingMode.floor);
        Tensor position = DeviceData.Range(outer, device).unsqueeze(0);
        Tensor y = position.remainder(heightScalar), d = position.div(heightScalar, rounding_mode: RoundingMode.floor);
        Tensor outerAngle = q.mul(y).mul(depthScalar).add_(qd.mul(d).mul(heightScalar), KeptScalars.One).remainder_(cellsScalar)
            .to(ScalarType.Float64).mul_(twoPi).div_(cellsDouble);
        Tensor er = outerAngle.cos(), ei = outerAngle.sin();                                                   // [rows, outer]
        Tensor zr = cr.matmul(er).sub_(ci.matmul(ei)), zi = cr.matmul(ei).add_(ci.matmul(er), KeptScalars.One); // [U, columns, outer]

        // Last axis: gain·cos and −gain·sin, gain 1/N on the columns whose imaginary part irfftn drops, else 2/N.
        Tensor k = DeviceData.Upload(columnsOf, [columns, 1], device);
        using Scalar width = w.ToScalar();
        Tensor x = DeviceData.Range(w, device).unsqueeze(0);
        Tensor lastAngle = k.mul(x).remainder_(width).to(ScalarType.Float64).mul_(twoPi).div_(width);
        bool[] realOnly = [.. columnsOf.Select(c => FourierSynthesis.VarianceWeight((int)c, w) == 1.0)];
        double[] gains = [.. realOnly.Select(r => (r ? 1.0 : 2.0) / size)];
        double[] sineGains = [.. realOnly.Select((r, c) => r ? 0.0 : -gains[c])];
        Tensor cosines = lastAngle.cos().mul_(DeviceData.Upload(gains, [columns, 1], ScalarType.Float64, device));
        Tensor sines = lastAngle.sin().mul_(DeviceData.Upload(sineGains, [columns, 1], ScalarType.Float64, device));
        Tensor image = zr.transpose(1, 2).matmul(cosines).add_(zi.transpose(1, 2).matmul(sines), KeptScalars.One); // [U, outer, W]
        return image.reshape(noises.Count, size).to(ScalarType.Float32);
    }

    /// <summary>
    /// The saliency maps of <paramref name="maps"/>' samples <paramref name="mapIndices"/>, <c>[U, N]</c> float32 on the
    /// device: the grids uploaded and upsampled with <see cref="SaliencyMaps.Upsample"/>'s arithmetic (rows interpolated
    /// in float64 and rounded, columns in float32; an axis whose grid extent equals the image's is copied).
    /// </summary>
    internal static Tensor UpsampleMaps(SaliencyMaps maps, IReadOnlyList<int> mapIndices, Device device)
    {
        int gh = maps.GridHeight, gw = maps.GridWidth, cells = gh * gw, u = mapIndices.Count;
        SpatialShape spatial = maps.Spatial;
        int h = spatial.Rank == 2 ? spatial.Height : 1, w = spatial.Width;
        var grids = new float[u * cells];
        for (int j = 0; j < u; j++)
        {
            maps.Grid(mapIndices[j]).CopyTo(grids.AsSpan(j * cells, cells));
        }

        Tensor grid = DeviceData.Upload(grids, [u, gh, gw], device);
        Tensor lerped;
        if (gh == h)
        {
            lerped = grid;
        }
        else
        {
            long[] first = new long[h];
            double[] fraction = new double[h];
            for (int row = 0; row < h; row++)
            {
                double sy = Math.Clamp(((row + 0.5) * gh / h) - 0.5, 0, gh - 1);
                first[row] = Math.Min((int)sy, gh - 2);
                fraction[row] = sy - first[row];
            }

            Tensor top = DeviceData.Upload(first, [h], device);
            Tensor a = grid.index_select(1, top).to(ScalarType.Float64);
            Tensor b = grid.index_select(1, top.add(KeptScalars.One, KeptScalars.One)).to(ScalarType.Float64);
            Tensor fy = DeviceData.Upload(fraction, [1, h, 1], ScalarType.Float64, device);
            lerped = b.sub(a).mul(fy).add(a, KeptScalars.One).to(ScalarType.Float32); // (float)(a + (b − a)·fy), each step rounded once
        }

        if (gw == w)
        {
            return lerped.reshape(u, h * w);
        }

        long[] left = new long[w];
        float[] fx = new float[w];
        for (int column = 0; column < w; column++)
        {
            double sx = Math.Clamp(((column + 0.5) * gw / w) - 0.5, 0, gw - 1);
            left[column] = Math.Min((int)sx, gw - 2);
            fx[column] = (float)(sx - left[column]);
        }

        Tensor start = DeviceData.Upload(left, [w], device);
        Tensor l = lerped.index_select(2, start), r = lerped.index_select(2, start.add(KeptScalars.One, KeptScalars.One));
        Tensor map = r.sub(l).mul(DeviceData.Upload(fx, [1, 1, w], device)).add(l, KeptScalars.One); // l + (r − l)·fx in float32
        return map.reshape(u, h * w);
    }

    /// <summary>
    /// The rank of every element of every row of <paramref name="values"/> <c>[U, N]</c>: 0 for the largest, ties to the
    /// smaller index (a stable descending sort), as int64 <c>[U, N]</c>.
    /// </summary>
    internal static Tensor Ranks(Tensor values)
    {
        long u = values.shape[0], n = values.shape[1];
        (Tensor _, Tensor order) = values.sort(1, descending: true, stable: true);
        Tensor positions = DeviceData.Range(n, values.device).unsqueeze(0).expand(u, n);
        return empty_like(order).scatter_(1, order, positions);
    }

    private static void FourierMasks(MixPlan plan, IReadOnlyList<int> samples, List<int> positions, Tensor own, Device device)
    {
        // FMix with valid lengths draws masks over the first m positions along time, so the masks of one plan may rank
        // noises of several extents; each extent is thresholded on its own and the elements past it are the sample's.
        int n = plan.Spatial.Size;
        foreach (IGrouping<int, int> extent in positions.GroupBy(k => ((FourierMaskRegion)plan.Regions[samples[k]]).Noise.Spatial.Size))
        {
            List<int> members = [.. extent];
            Tensor weights = ThresholdedNoise(plan, samples, members, extent.Key, device);
            if (extent.Key < n)
            {
                weights = cat([weights, ones([members.Count, n - extent.Key], ScalarType.Float32, device)], 1);
            }

            own.index_copy_(0, Positions(members, device), weights);
        }
    }

    /// <summary>The masks <c>[k, size]</c> of the Fourier mask samples at <paramref name="positions"/>, whose noises all have <paramref name="size"/> elements.</summary>
    private static Tensor ThresholdedNoise(MixPlan plan, IReadOnlyList<int> samples, List<int> positions, int size, Device device)
    {
        // One synthesis per distinct noise image (a batch-mode FMix shares one among all samples), grouped by the
        // synthesis tables (extent, decay and spectrum) so that each group is one pair of matrix products.
        var noises = new List<FourierNoise>();
        var images = new List<Tensor>();
        foreach (IGrouping<FourierSynthesis, FourierNoise> group in positions
            .Select(k => ((FourierMaskRegion)plan.Regions[samples[k]]).Noise)
            .Distinct()
            .GroupBy(noise => noise.Tables(null)))
        {
            List<FourierNoise> members = [.. group];
            images.Add(SynthesizeNoise(members, device));
            noises.AddRange(members);
        }

        var imageOf = new long[positions.Count];
        long[] ones = new long[positions.Count], rampStart = new long[positions.Count], rampEnd = new long[positions.Count];
        long[] rampFrom = new long[positions.Count], rampTotal = new long[positions.Count];
        bool anyRamp = false;
        for (int j = 0; j < positions.Count; j++)
        {
            var region = (FourierMaskRegion)plan.Regions[samples[positions[j]]];
            imageOf[j] = noises.IndexOf(region.Noise);
            (int o, int s, int length, int from, int total) = MaskThreshold.Layout(size, region.OwnCount, region.MaxSoft);
            (ones[j], rampStart[j], rampEnd[j], rampFrom[j], rampTotal[j]) = (o, s, s + length, from, total);
            anyRamp |= length > 0;
        }

        Tensor ranks = Ranks(images.Count == 1 ? images[0] : cat(images, 0)).index_select(0, DeviceData.Upload(imageOf, [positions.Count], device));
        long[] column = [positions.Count, 1];
        Tensor weights = ranks.lt(DeviceData.Upload(ones, column, device)).to(ScalarType.Float32);
        if (anyRamp)
        {
            // MaskThreshold.Ramp on the device: round((1 − j/(total − 1))·2^24)/2^24 in float64, exact in float32.
            Tensor start = DeviceData.Upload(rampStart, column, device), end = DeviceData.Upload(rampEnd, column, device);
            Tensor onRamp = ranks.ge(start).logical_and_(ranks.lt(end));
            using Scalar oneDouble = 1.0.ToScalar(), unitsPerOne = 16_777_216.0.ToScalar();
            Tensor steps = DeviceData.Upload(rampTotal, column, device).sub(KeptScalars.One).clamp_min(KeptScalars.One).to(ScalarType.Float64);
            Tensor ramp = ranks.sub(DeviceData.Upload(rampFrom, column, device)).to(ScalarType.Float64).div(steps)
                .neg().add_(oneDouble, KeptScalars.One).mul_(unitsPerOne).round_().div_(unitsPerOne).to(ScalarType.Float32);
            weights = where(onRamp, ramp, weights);
        }

        return weights;
    }

    private static void SaliencyMasks(MixPlan plan, IReadOnlyList<int> samples, List<int> positions, Tensor own, Device device)
    {
        int n = plan.Spatial.Size;
        var regions = positions.Select(k => (SaliencyMaskRegion)plan.Regions[samples[k]]).ToList();

        // One upsampling per distinct map, grouped by the batch's SaliencyMaps (one upload of grids per group).
        var keys = new List<(SaliencyMaps Maps, int Index)>();
        var values = new List<Tensor>();
        foreach (IGrouping<SaliencyMaps, (SaliencyMaps Maps, int Index)> group in regions
            .Select(r => (r.Maps, r.MapIndex))
            .Distinct()
            .GroupBy(key => key.Maps))
        {
            List<(SaliencyMaps Maps, int Index)> members = [.. group];
            values.Add(UpsampleMaps(group.Key, [.. members.Select(m => m.Index)], device));
            keys.AddRange(members);
        }

        long[] mapOf = [.. regions.Select(r => (long)keys.IndexOf((r.Maps, r.MapIndex)))];
        long[] partnerCount = [.. regions.Select(r => (long)(n - r.OwnCount))];
        Tensor ranks = Ranks(values.Count == 1 ? values[0] : cat(values, 0)).index_select(0, DeviceData.Upload(mapOf, [positions.Count], device));

        // The partner's N − own most salient elements are the partner's; the rest stay the sample's.
        Tensor weights = ranks.ge(DeviceData.Upload(partnerCount, [positions.Count, 1], device)).to(ScalarType.Float32);
        own.index_copy_(0, Positions(positions, device), weights);
    }

    private static Tensor Positions(List<int> positions, Device device) =>
        DeviceData.Upload([.. positions.Select(p => (long)p)], [positions.Count], device);
}
