using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Training;

/// <summary>Evaluates a classifier: accuracy, mean cross-entropy and expected calibration error (ECE).</summary>
public static class Evaluation
{
    /// <summary>Number of equal-width confidence bins of the ECE, as in Guo et al., "On Calibration of Modern Neural Networks" (2017).</summary>
    public const int CalibrationBins = 15;

    /// <summary>Runs <paramref name="model"/> in evaluation mode without gradients over <paramref name="batches"/>.</summary>
    /// <param name="model">The model (its training mode is restored afterwards).</param>
    /// <param name="batches">The held-out batches; tensors created while enumerating are disposed per batch.</param>
    /// <returns>The metrics over all examples.</returns>
    /// <exception cref="ArgumentException">There are no examples.</exception>
    public static EvaluationResult Evaluate(nn.Module<Tensor, Tensor> model, IEnumerable<TrainingBatch> batches)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batches);
        bool wasTraining = model.training;
        model.eval();
        var confidences = new List<float>();
        var correct = new List<bool>();
        double crossEntropySum = 0;
        try
        {
            using IEnumerator<TrainingBatch> e = batches.GetEnumerator();
            while (true)
            {
                using DisposeScope scope = NewDisposeScope();
                using var noGrad = no_grad();
                if (!e.MoveNext())
                {
                    break;
                }

                (Tensor images, Tensor labels) = e.Current;
                Tensor logits = model.forward(images);
                crossEntropySum += nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.Sum).item<float>();
                Tensor probabilities = nn.functional.softmax(logits, 1);
                (Tensor confidence, Tensor predicted) = probabilities.max(1);
                confidences.AddRange(confidence.cpu().data<float>().ToArray());
                long[] p = predicted.cpu().data<long>().ToArray();
                long[] y = labels.cpu().data<long>().ToArray();
                for (int i = 0; i < p.Length; i++)
                {
                    correct.Add(p[i] == y[i]);
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }

        if (correct.Count == 0)
        {
            throw new ArgumentException("The evaluation set has no examples.", nameof(batches));
        }

        double accuracy = correct.Count(c => c) / (double)correct.Count;
        return new EvaluationResult(accuracy, crossEntropySum / correct.Count, ExpectedCalibrationError(confidences.ToArray(), correct.ToArray()), correct.Count);
    }

    /// <summary>
    /// The expected calibration error: examples are put in <paramref name="bins"/> equal-width bins by confidence
    /// (bin k holds confidences in (k/bins, (k+1)/bins]; a confidence of exactly 0 goes to bin 0), and the gaps between
    /// each bin's accuracy and mean confidence are averaged, weighted by the bin's share of examples.
    /// </summary>
    /// <param name="confidences">The top-1 probability of each example, in [0, 1].</param>
    /// <param name="correct">Whether each top-1 prediction was right.</param>
    /// <param name="bins">Number of bins (at least 1).</param>
    /// <returns>The ECE, in [0, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ or are 0, or a confidence is outside [0, 1].</exception>
    public static double ExpectedCalibrationError(ReadOnlySpan<float> confidences, ReadOnlySpan<bool> correct, int bins = CalibrationBins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        if (confidences.Length != correct.Length || confidences.Length == 0)
        {
            throw new ArgumentException($"Need as many confidences as outcomes, at least one: {confidences.Length} and {correct.Length}.", nameof(confidences));
        }

        var count = new int[bins];
        var confidenceSum = new double[bins];
        var correctSum = new int[bins];
        for (int i = 0; i < confidences.Length; i++)
        {
            float c = confidences[i];
            if (!(c >= 0 && c <= 1))
            {
                throw new ArgumentException($"Confidence {i} is {c}, outside [0, 1].", nameof(confidences));
            }

            int k = Math.Clamp((int)Math.Ceiling(c * (double)bins) - 1, 0, bins - 1);
            count[k]++;
            confidenceSum[k] += c;
            correctSum[k] += correct[i] ? 1 : 0;
        }

        double ece = 0;
        for (int k = 0; k < bins; k++)
        {
            if (count[k] > 0)
            {
                ece += Math.Abs((correctSum[k] / (double)count[k]) - (confidenceSum[k] / count[k])) * count[k] / confidences.Length;
            }
        }

        return ece;
    }
}
