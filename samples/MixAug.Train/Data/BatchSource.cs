using MixAug.Randomness;
using MixAug.Training;
using static TorchSharp.torch;

namespace MixAug.Train.Data;

/// <summary>Turns a split into normalised <c>[B, 1, 28, 28]</c> float batches, shuffled per epoch from the run's seed.</summary>
internal sealed class BatchSource(LabelledImages images, int batchSize, ulong seed)
{
    // Fashion-MNIST's training-set pixel mean and standard deviation (on [0, 1]).
    private const float Mean = 0.2860f;
    private const float Std = 0.3530f;

    /// <summary>A raw pixel as the batches hold it: scaled to [0, 1], then standardised.</summary>
    public static float Normalise(byte pixel) => ((pixel / 255f) - Mean) / Std;

    /// <summary>The batches of one training epoch, in an order drawn from (seed, epoch).</summary>
    public IEnumerable<TrainingBatch> Epoch(int epoch)
    {
        int[] order = Enumerable.Range(0, images.Count).ToArray();
        var random = MixRandom.ForBatch(seed, epoch, -1);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        return Batches(order);
    }

    /// <summary>The batches in the split's own order (for evaluation).</summary>
    public IEnumerable<TrainingBatch> InOrder() => Batches(Enumerable.Range(0, images.Count).ToArray());

    /// <summary>Number of batches per epoch.</summary>
    public int BatchCount => (images.Count + batchSize - 1) / batchSize;

    private IEnumerable<TrainingBatch> Batches(int[] order)
    {
        int pixels = images.Side * images.Side;
        for (int start = 0; start < order.Length; start += batchSize)
        {
            int n = Math.Min(batchSize, order.Length - start);
            var data = new float[n * pixels];
            var labels = new long[n];
            for (int k = 0; k < n; k++)
            {
                int index = order[start + k];
                labels[k] = images.Labels[index];
                ReadOnlySpan<byte> source = images.Pixels.AsSpan(index * pixels, pixels);
                Span<float> target = data.AsSpan(k * pixels, pixels);
                for (int p = 0; p < pixels; p++)
                {
                    target[p] = Normalise(source[p]);
                }
            }

            yield return new TrainingBatch(tensor(data, [n, 1, images.Side, images.Side]), tensor(labels));
        }
    }
}
