using System.Buffers;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace MixAug.Saliency;

/// <summary>
/// GuidedMixup's saliency pairing (OpenMixup <c>guidedmix</c>, <c>condition='greedy'</c>, <c>distance_metric='l2'</c>):
/// the saliency grids are smoothed and normalised to distributions, their pairwise L2 distances taken, and a single
/// cycle through the batch built greedily from the farthest pair (<c>onecycle_cover</c>), so that partners' salient
/// regions overlap as little as a greedy tour allows. Deterministic, in double precision, in a fixed order: the same
/// features give the same partners on every machine.
/// </summary>
internal static class SaliencyPairing
{
    /// <summary>Side of the Gaussian smoothing window (OpenMixup's <c>size=(7, 7)</c>).</summary>
    public const int BlurSize = 7;

    /// <summary>Its σ in grid cells (OpenMixup's <c>sigma=(3, 3)</c>).</summary>
    public const double BlurSigma = 3;

    /// <summary>The partners of every sample: <see cref="GreedyCycle"/> over <see cref="Distances(SaliencyMaps)"/>, the
    /// distances worked out on <see cref="MixConfiguration.Default"/>'s threads (the same bits on any number).</summary>
    public static int[] Partners(SaliencyMaps maps)
    {
        int b = maps.BatchSize;
        double[] distances = ArrayPool<double>.Shared.Rent(b * b);
        try
        {
            Distances(maps, distances.AsSpan(0, b * b), MixConfiguration.Default);
            return GreedyCycle(distances.AsSpan(0, b * b), b);
        }
        finally
        {
            ArrayPool<double>.Shared.Return(distances);
        }
    }

    /// <summary>
    /// The B×B matrix (row-major) of L2 distances between the samples' smoothed, sum-normalised grids
    /// (<see cref="Distribution(ReadOnlySpan{float}, int, int)"/>); the diagonal is 0.
    /// </summary>
    public static double[] Distances(SaliencyMaps maps) => Distances(maps, MixConfiguration.Default);

    /// <summary>As <see cref="Distances(SaliencyMaps)"/>, on <paramref name="configuration"/>'s threads.</summary>
    internal static double[] Distances(SaliencyMaps maps, MixConfiguration configuration)
    {
        var distances = new double[maps.BatchSize * maps.BatchSize];
        Distances(maps, distances, configuration);
        return distances;
    }

    /// <summary>The distances into <paramref name="distances"/> (B×B), the distributions held in one pooled buffer.</summary>
    private static unsafe void Distances(SaliencyMaps maps, Span<double> distances, MixConfiguration configuration)
    {
        int b = maps.BatchSize, cells = maps.GridHeight * maps.GridWidth;
        int parts = Math.Min(configuration.MaxDegreeOfParallelism, b);
        double[] buffer = ArrayPool<double>.Shared.Rent(checked((b + parts) * cells));
        try
        {
            fixed (double* all = buffer)
            fixed (double* matrix = distances)
            {
                var work = new PairingWork(maps, all, matrix);
                configuration.Workers.Run(work, parts);
                work.Phase = PairingWork.Pairs;
                configuration.Workers.Run(work, parts);
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes of the distributions a block of partners holds, so that they stay in a core's L2 while every
    /// sample before them is measured against them.</summary>
    private const int PartnerBlockBytes = 512 << 10;

    /// <summary>
    /// The pairing's two passes over the parts of a <see cref="Cpu.WorkerPool"/>: the distributions (part p smooths the
    /// samples i ≡ p mod parts, with its own row scratch after the batch's), then every pair's <see cref="Distance"/>
    /// (the same bits). The partners j are taken in blocks that fit a core's L2 and, within a block, four at a time
    /// against one sample: four independent sums in flight, and each of the sample's loads used four times; part p
    /// takes the samples i ≡ p mod parts of every block, so the parts share the pairs evenly. One pair at a time over
    /// the whole batch on one thread, GuidedMix's pairing took 33-34 ms for 128 grids of 64×64 (--quick,
    /// guidedmix-pairing), most of it waiting on each pair's one chain of adds and on partners read again from L3.
    /// </summary>
    private sealed unsafe class PairingWork(SaliencyMaps maps, double* all, double* distances) : Cpu.IParallelWork
    {
        public const int Smoothing = 0, Pairs = 1;

        public int Phase { get; set; } = Smoothing;

        public void Execute(int part, int parts)
        {
            int b = maps.BatchSize, height = maps.GridHeight, width = maps.GridWidth, cells = height * width;
            if (Phase == Smoothing)
            {
                var rows = new Span<double>(all + ((long)(b + part) * cells), cells);
                for (int i = part; i < b; i += parts)
                {
                    Distribution(maps.Grid(i), height, width, new Span<double>(all + ((long)i * cells), cells), rows);
                }

                return;
            }

            int block = Math.Max(4, PartnerBlockBytes / Math.Max(1, cells * sizeof(double)) / 4 * 4);
            for (int i = part; i < b; i += parts)
            {
                distances[((long)i * b) + i] = 0;
            }

            for (int j0 = 0; j0 < b; j0 += block)
            {
                int j1 = Math.Min(b, j0 + block);
                for (int i = part; i < j1 - 1; i += parts)
                {
                    double* a = all + ((long)i * cells);
                    int j = Math.Max(j0, i + 1);
                    if (Vector256.IsHardwareAccelerated)
                    {
                        for (; j + 4 <= j1; j += 4)
                        {
                            Vector256<double> d = FourDistances(a, all + ((long)j * cells), cells);
                            for (int p = 0; p < 4; p++)
                            {
                                distances[((long)i * b) + j + p] = distances[((long)(j + p) * b) + i] = d[p];
                            }
                        }
                    }

                    for (; j < j1; j++)
                    {
                        distances[((long)i * b) + j] = distances[((long)j * b) + i] = Distance(new ReadOnlySpan<double>(a, cells), new ReadOnlySpan<double>(all + ((long)j * cells), cells), cells);
                    }
                }
            }
        }
    }

    /// <summary>The <see cref="Distance"/>s from <paramref name="a"/> to the four distributions that follow one another
    /// from <paramref name="b"/> on, each by the same lanes, multiplies and adds as <see cref="Distance"/>'s vector path.</summary>
    private static unsafe Vector256<double> FourDistances(double* a, double* b, int n)
    {
        double* b1 = b + n, b2 = b1 + n, b3 = b2 + n;
        Vector256<double> s0 = Vector256<double>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        for (; k <= n - 4; k += 4)
        {
            Vector256<double> x = Vector256.Load(a + k);
            Vector256<double> d0 = x - Vector256.Load(b + k), d1 = x - Vector256.Load(b1 + k), d2 = x - Vector256.Load(b2 + k), d3 = x - Vector256.Load(b3 + k);
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }

        return Vector256.Create(Finish(s0, a, b, k, n), Finish(s1, a, b1, k, n), Finish(s2, a, b2, k, n), Finish(s3, a, b3, k, n));
    }

    /// <summary>The end of <see cref="Distance"/> from the four lanes' sums: the tail into lane 0, then the square root
    /// of the pairs' sum.</summary>
    private static unsafe double Finish(Vector256<double> sums, double* a, double* b, int k, int n)
    {
        double s0 = sums[0];
        for (; k < n; k++)
        {
            double d = a[k] - b[k];
            s0 += d * d;
        }

        return Math.Sqrt((s0 + sums[1]) + (sums[2] + sums[3]));
    }

    /// <summary>√Σ(a − b)², four partial sums in a fixed order (the same bits everywhere, unlike a vector width's):
    /// sum j takes the elements k ≡ j (mod 4). With 256-bit vectors the four sums are the four lanes of one vector, each
    /// lane doing the scalar sum's multiplies and adds in its order (no fused multiply-add), so both paths give the same
    /// bits.</summary>
    internal static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int n)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> sums = Vector256<double>.Zero;
            ref double ra = ref MemoryMarshal.GetReference(a);
            ref double rb = ref MemoryMarshal.GetReference(b);
            for (; k <= n - 4; k += 4)
            {
                Vector256<double> d = Vector256.LoadUnsafe(ref ra, (nuint)k) - Vector256.LoadUnsafe(ref rb, (nuint)k);
                sums += d * d;
            }

            (s0, s1, s2, s3) = (sums[0], sums[1], sums[2], sums[3]);
        }

        for (; k <= n - 4; k += 4)
        {
            double d0 = a[k] - b[k], d1 = a[k + 1] - b[k + 1], d2 = a[k + 2] - b[k + 2], d3 = a[k + 3] - b[k + 3];
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }

        for (; k < n; k++)
        {
            double d = a[k] - b[k];
            s0 += d * d;
        }

        return Math.Sqrt((s0 + s1) + (s2 + s3));
    }

    /// <summary>
    /// A grid as a distribution: negative values count as 0 (the built-in sources have none), a separable 7×7
    /// Gaussian (σ = 3, taps normalised, reflect-101 borders as torch's <c>reflect</c> padding, folded again on grids
    /// smaller than the window), then division by the sum; a grid that sums to 0 (a flat image) becomes uniform.
    /// </summary>
    public static double[] Distribution(ReadOnlySpan<float> grid, int height, int width)
    {
        var distribution = new double[height * width];
        Distribution(grid, height, width, distribution, new double[height * width]);
        return distribution;
    }

    /// <summary>
    /// <see cref="Distribution(ReadOnlySpan{float}, int, int)"/> into <paramref name="distribution"/>, with
    /// <paramref name="rows"/> (as long) for the row pass. Each output is <c>((0 + t₀·v₀) + t₁·v₁) + …</c> over its window
    /// in order and the total is summed in row-major order, as the definition states; the passes add whole shifted rows
    /// tap by tap (a row padded with its reflected neighbours, then the reflected rows), which gives each element the
    /// same products and sums in the same order, unfused, at vector speed: the first form, an index reflected per tap
    /// and output, took about half of the 33-34 ms GuidedMix's pairing took for 128 grids of 64×64.
    /// </summary>
    internal static unsafe void Distribution(ReadOnlySpan<float> grid, int height, int width, Span<double> distribution, Span<double> rows)
    {
        int radius = BlurSize / 2, cells = height * width;
        if (grid.Length < cells || distribution.Length < cells || rows.Length < cells)
        {
            throw new ArgumentException($"A {height}x{width} grid needs {cells} elements of grid, distribution and rows; they have {grid.Length}, {distribution.Length} and {rows.Length}.", nameof(grid));
        }

        double[] padded = ArrayPool<double>.Shared.Rent(width + BlurSize - 1);
        fixed (double* taps = GaussianTaps)
        fixed (double* line = padded)
        fixed (double* across = rows)
        fixed (double* output = distribution)
        {
            double** window = stackalloc double*[BlurSize];
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<float> values = grid.Slice(y * width, width);
                // The row inside, then its reflected borders.
                for (int x = 0; x < width; x++)
                {
                    line[x + radius] = Math.Max(values[x], 0f);
                }

                for (int i = 0; i < radius; i++)
                {
                    line[i] = Math.Max(values[Reflect(i - radius, width)], 0f);
                    line[width + radius + i] = Math.Max(values[Reflect(width + i, width)], 0f);
                }

                // Input t of output x is line[x + t]: the line shifted by t.
                for (int t = 0; t < BlurSize; t++)
                {
                    window[t] = line + t;
                }

                WeightedSum(window, taps, across + ((long)y * width), width);
            }

            double total = 0;
            for (int y = 0; y < height; y++)
            {
                // Input t of element x is row y − 3 + t (reflected) at x.
                for (int t = 0; t < BlurSize; t++)
                {
                    window[t] = across + ((long)Reflect(y - radius + t, height) * width);
                }

                WeightedSum(window, taps, output + ((long)y * width), width);
                total = SumInOrder(output + ((long)y * width), width, total);
            }

            if (total > 0)
            {
                TensorPrimitives.Divide(distribution[..cells], total, distribution);
            }
            else
            {
                distribution[..cells].Fill(1.0 / cells);
            }
        }

        ArrayPool<double>.Shared.Return(padded);
    }

    /// <summary>Both passes of the smoothing: element x of <paramref name="output"/> is
    /// <c>((0 + t₀·w₀[x]) + t₁·w₁[x]) + …</c> over the window's inputs (the row shifted by t in the row pass, the
    /// reflected rows in the column pass), four elements to a vector. (0 + p is p: the products are never −0, the taps
    /// being positive and the values at least +0.)</summary>
    private static unsafe void WeightedSum(double** inputs, double* taps, double* output, int width)
    {
        int x = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; x + 4 <= width; x += 4)
            {
                Vector256<double> sum = Vector256.Create(taps[0]) * Vector256.Load(inputs[0] + x);
                for (int t = 1; t < BlurSize; t++)
                {
                    sum += Vector256.Create(taps[t]) * Vector256.Load(inputs[t] + x);
                }

                sum.Store(output + x);
            }
        }

        for (; x < width; x++)
        {
            double sum = taps[0] * inputs[0][x];
            for (int t = 1; t < BlurSize; t++)
            {
                sum += taps[t] * inputs[t][x];
            }

            output[x] = sum;
        }
    }

    /// <summary><paramref name="total"/> plus the row's elements in order, summed here, where the JIT keeps the sum in a
    /// register: in the caller it kept it on the stack, and the chain of adds waited on memory at every element.</summary>
    private static unsafe double SumInOrder(double* row, int width, double total)
    {
        for (int x = 0; x < width; x++)
        {
            total += row[x];
        }

        return total;
    }

    /// <summary>The normalised Gaussian taps, worked out once.</summary>
    private static readonly double[] GaussianTaps = Taps();

    private static double[] Taps()
    {
        int radius = BlurSize / 2;
        var taps = new double[BlurSize];
        double sum = 0;
        for (int t = -radius; t <= radius; t++)
        {
            sum += taps[t + radius] = Math.Exp(-(t * t) / (2 * BlurSigma * BlurSigma));
        }

        for (int t = 0; t < BlurSize; t++)
        {
            taps[t] /= sum;
        }

        return taps;
    }

    /// <summary>Reflect-101 (dcb|abcd|cba), folded as often as needed; a length of 1 gives 0.</summary>
    private static int Reflect(int i, int n)
    {
        if (n == 1)
        {
            return 0;
        }

        // Within one fold of the axis (every index but those of axes shorter than the window) without dividing: the
        // remainders cost the blur more than its products did.
        if ((uint)i < (uint)n)
        {
            return i;
        }

        int period = 2 * (n - 1);
        if (i < 0 && -i < n)
        {
            return -i;
        }

        if (i >= n && i < period)
        {
            return period - i;
        }

        i = ((i % period) + period) % period;
        return i < n ? i : period - i;
    }

    /// <summary>
    /// OpenMixup's <c>onecycle_cover</c>: the first pair is the largest off-diagonal distance (the first in row-major
    /// order on ties, as NumPy's <c>argmax</c>); then, from the last chosen partner, the farthest sample not yet given
    /// a partner (the smallest index on ties), until the last one, whose partner closes the cycle at the first.
    /// </summary>
    /// <param name="distances">B×B, row-major; the diagonal is not read.</param>
    /// <param name="b">The batch size.</param>
    /// <returns>The partner of each sample: one cycle through the whole batch (a batch of one pairs with itself).</returns>
    public static int[] GreedyCycle(ReadOnlySpan<double> distances, int b)
    {
        var partners = new int[b];
        if (b == 1)
        {
            return partners;
        }

        int row = 0, col = 1;
        for (int i = 0; i < b; i++)
        {
            for (int j = 0; j < b; j++)
            {
                if (i != j && distances[(i * b) + j] > distances[(row * b) + col])
                {
                    (row, col) = (i, j);
                }
            }
        }

        int first = row;
        var hasPartner = new bool[b];
        partners[row] = col;
        hasPartner[row] = true;
        for (int step = 1; step < b - 1; step++)
        {
            row = col;
            col = -1;
            for (int j = 0; j < b; j++)
            {
                if (j != row && !hasPartner[j] && (col < 0 || distances[(row * b) + j] > distances[(row * b) + col]))
                {
                    col = j;
                }
            }

            partners[row] = col;
            hasPartner[row] = true;
        }

        partners[col] = first;
        return partners;
    }
}
