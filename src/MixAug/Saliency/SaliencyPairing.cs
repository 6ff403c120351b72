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

    /// <summary>The partners of every sample: <see cref="GreedyCycle"/> over <see cref="Distances"/>.</summary>
    public static int[] Partners(SaliencyMaps maps) => GreedyCycle(Distances(maps), maps.BatchSize);

    /// <summary>
    /// The B×B matrix (row-major) of L2 distances between the samples' smoothed, sum-normalised grids
    /// (<see cref="Distribution"/>).
    /// </summary>
    public static double[] Distances(SaliencyMaps maps)
    {
        int b = maps.BatchSize, cells = maps.GridHeight * maps.GridWidth;
        var distributions = new double[b][];
        for (int i = 0; i < b; i++)
        {
            distributions[i] = Distribution(maps.Grid(i), maps.GridHeight, maps.GridWidth);
        }

        var distances = new double[b * b];
        for (int i = 0; i < b; i++)
        {
            for (int j = i + 1; j < b; j++)
            {
                distances[(i * b) + j] = distances[(j * b) + i] = Distance(distributions[i], distributions[j], cells);
            }
        }

        return distances;
    }

    /// <summary>√Σ(a − b)², four partial sums in a fixed order (the same bits everywhere, unlike a vector width's):
    /// sum j takes the elements k ≡ j (mod 4). With 256-bit vectors the four sums are the four lanes of one vector, each
    /// lane doing the scalar sum's multiplies and adds in its order (no fused multiply-add), so both paths give the same
    /// bits.</summary>
    internal static double Distance(double[] a, double[] b, int n)
    {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int k = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<double> sums = Vector256<double>.Zero;
            ref double ra = ref MemoryMarshal.GetArrayDataReference(a);
            ref double rb = ref MemoryMarshal.GetArrayDataReference(b);
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
        double[] taps = Taps();
        int radius = BlurSize / 2;
        var rows = new double[height * width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    sum += taps[t + radius] * Math.Max(grid[(y * width) + Reflect(x + t, width)], 0f);
                }

                rows[(y * width) + x] = sum;
            }
        }

        var smoothed = new double[height * width];
        double total = 0;
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int t = -radius; t <= radius; t++)
                {
                    sum += taps[t + radius] * rows[(Reflect(y + t, height) * width) + x];
                }

                smoothed[(y * width) + x] = sum;
                total += sum;
            }
        }

        for (int k = 0; k < smoothed.Length; k++)
        {
            smoothed[k] = total > 0 ? smoothed[k] / total : 1.0 / smoothed.Length;
        }

        return smoothed;
    }

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

        int period = 2 * (n - 1);
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
