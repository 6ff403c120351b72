using MixAug.Planning;

namespace MixAug.Masks;

/// <content>The two spectra (the paper's and the reference implementation's): which bins are kept and their scales.</content>
internal sealed partial class FourierSynthesis
{
    /// <summary>
    /// The paper's spectrum over numpy's <c>rfftn</c> grid (<c>fftfreq</c> on the outer axes, <c>rfftfreq</c> on the last),
    /// scale <c>1 / max(|f|, 1/max(extents))^decay</c>, keeping the strongest bins: groups of equal scale are dropped,
    /// weakest first, while the dropped share of the expected variance Σ v·scale² stays within
    /// <see cref="DroppedVarianceLimit"/>. The kept set depends on the extents and the decay only.
    /// </summary>
    private static FourierSynthesis Paper(SpatialShape spatial, double decayPower)
    {
        int[] dims = spatial.ToDimensions();
        int w = dims[^1], half = (w / 2) + 1, outer = spatial.Size / w;
        var scale = new double[outer * half];
        double floor = 1.0 / dims.Max();
        for (int p = 0; p < outer; p++)
        {
            int rest = p;
            double outerSquared = 0;
            for (int a = dims.Length - 2; a >= 0; a--)
            {
                int n = dims[a];
                int q = rest % n;
                rest /= n;
                double f = (q <= (n - 1) / 2 ? q : q - n) / (double)n; // numpy fftfreq
                outerSquared += f * f;
            }

            for (int k = 0; k < half; k++)
            {
                double fLast = k / (double)w; // numpy rfftfreq
                scale[(p * half) + k] = 1.0 / Math.Pow(Math.Max(Math.Sqrt(outerSquared + (fLast * fLast)), floor), decayPower);
            }
        }

        (double minKept, double dropped) = ChooseKeptScale(scale, half, w);
        int[] bins = [.. Enumerable.Range(0, scale.Length).Where(i => scale[i] >= minKept)];
        double[] kept = [.. bins.Select(i => scale[i])];
        return new FourierSynthesis(spatial, bins, kept, kept, dropped, scale.Length);
    }

    /// <summary>
    /// The FMix reference implementation's spectrum (ecs-vlc/FMix <c>make_low_freq_image</c>): its array of normals has
    /// shape <c>(ch, H, W', 2)</c> with W' = <c>len(fftfreq(W)[:W//2 + 1])</c> (one more for odd W), and
    /// <c>spectrum[:, 0] + 1j * spectrum[:, 1]</c> takes frequency rows 0 and 1 of it rather than the real and
    /// imaginary parts. <c>irfftn</c> then reads that <c>(W', 2)</c> array as rows × half-columns: the image has row
    /// frequencies p &lt; min(H, W') and column frequencies 0 and 1 only, and bin (p, k) is
    /// <c>scale(0, p)·a + i·scale(1, p)·b</c> with <c>scale(r, j) = 1 / max(√(fftfreq(H)[r]² + fx[j]²), 1/max(H, W))^decay</c>
    /// and <c>fx = fftfreq(W)[:W']</c>. In 1D the two bins k = 0, 1 get <c>scale(0)·a + i·scale(1)·b</c> with
    /// <c>scale(r) = 1 / max(|fftfreq(L)[r]|, 1/L)^decay</c>.
    /// </summary>
    private static FourierSynthesis Reference(SpatialShape spatial, double decayPower)
    {
        int w = spatial.Width, half = (w / 2) + 1;
        var bins = new List<int>();
        var scaleRe = new List<double>();
        var scaleIm = new List<double>();
        if (spatial.Rank == 1)
        {
            double floor = 1.0 / w;
            double s0 = 1.0 / Math.Pow(Math.Max(Math.Abs(FftFreq(w, 0)), floor), decayPower);
            double s1 = 1.0 / Math.Pow(Math.Max(Math.Abs(FftFreq(w, 1)), floor), decayPower);
            for (int k = 0; k < Math.Min(2, half); k++)
            {
                bins.Add(k);
                scaleRe.Add(s0);
                scaleIm.Add(s1);
            }
        }
        else
        {
            int h = spatial.Height;
            int columnsOfFreqs = (w / 2) + (w % 2 == 1 ? 2 : 1);
            double floor = 1.0 / Math.Max(h, w);
            double fy0 = FftFreq(h, 0), fy1 = FftFreq(h, 1);
            for (int p = 0; p < Math.Min(h, columnsOfFreqs); p++)
            {
                double fx = FftFreq(w, p);
                double s0 = 1.0 / Math.Pow(Math.Max(Math.Sqrt((fy0 * fy0) + (fx * fx)), floor), decayPower);
                double s1 = 1.0 / Math.Pow(Math.Max(Math.Sqrt((fy1 * fy1) + (fx * fx)), floor), decayPower);
                for (int k = 0; k < Math.Min(2, half); k++)
                {
                    bins.Add((p * half) + k);
                    scaleRe.Add(s0);
                    scaleIm.Add(s1);
                }
            }
        }

        return new FourierSynthesis(spatial, [.. bins], [.. scaleRe], [.. scaleIm], 0, (spatial.Size / w) * half);
    }

    /// <summary>numpy's <c>fftfreq(n)[i]</c>.</summary>
    private static double FftFreq(int n, int i) => (i <= (n - 1) / 2 ? i : i - n) / (double)n;

    /// <summary>
    /// The smallest kept scale: drops groups of equal scale, weakest first, while the dropped share of
    /// Σ v·scale² stays within <see cref="DroppedVarianceLimit"/>.
    /// </summary>
    private static (double MinKeptScale, double DroppedShare) ChooseKeptScale(double[] scale, int half, int width)
    {
        var order = new double[scale.Length];
        var energy = new double[scale.Length];
        double total = 0;
        for (int i = 0; i < scale.Length; i++)
        {
            order[i] = scale[i];
            energy[i] = VarianceWeight(i % half, width) * scale[i] * scale[i];
            total += energy[i];
        }

        Array.Sort(order, energy);
        double dropped = 0;
        int j = 0;
        while (j < order.Length)
        {
            int end = j;
            double group = 0;
            while (end < order.Length && order[end] == order[j])
            {
                group += energy[end++];
            }

            if (end == order.Length || dropped + group > DroppedVarianceLimit * total)
            {
                return (order[j], dropped / total);
            }

            dropped += group;
            j = end;
        }

        return (order[^1], dropped / total);
    }
}
