namespace MixAug.Training.Tests;

public class EvaluationTests
{
    [Test]
    public void ExpectedCalibrationErrorByHand()
    {
        // Bins of width 1/15. 0.9 -> bin 13 (two examples, one right: accuracy 0.5, confidence 0.9, gap 0.4, weight 2/4);
        // 0.55 -> bin 8 (right: gap 0.45, weight 1/4); 0.3 -> bin 4 (wrong: gap 0.3, weight 1/4).
        // ECE = 0.2 + 0.1125 + 0.075 = 0.3875.
        double ece = Evaluation.ExpectedCalibrationError([0.9f, 0.9f, 0.55f, 0.3f], [true, false, true, false]);
        Assert.That(ece, Is.EqualTo(0.3875).Within(1e-6));
    }

    [Test]
    public void PerfectCalibrationHasZeroError()
    {
        // Ten examples at confidence 0.7 (bin 10), seven right.
        bool[] correct = [.. Enumerable.Range(0, 10).Select(i => i < 7)];
        Assert.That(Evaluation.ExpectedCalibrationError(Enumerable.Repeat(0.7f, 10).ToArray(), correct), Is.EqualTo(0).Within(1e-6));
    }

    [Test]
    public void EdgesGoToTheFirstAndLastBins()
    {
        Assert.That(Evaluation.ExpectedCalibrationError([1f, 0f], [true, false]), Is.EqualTo(0).Within(1e-12));
        Assert.That(Evaluation.ExpectedCalibrationError([1f], [false]), Is.EqualTo(1).Within(1e-12));
    }

    [Test]
    public void RejectsBadInput()
    {
        Assert.Throws<ArgumentException>(() => Evaluation.ExpectedCalibrationError([0.5f], [true, false]));
        Assert.Throws<ArgumentException>(() => Evaluation.ExpectedCalibrationError([], []));
        Assert.That(Assert.Throws<ArgumentException>(() => Evaluation.ExpectedCalibrationError([1.5f], [true]))!.Message, Does.Contain("Confidence 0 is 1.5"));
        Assert.Throws<ArgumentOutOfRangeException>(() => Evaluation.ExpectedCalibrationError([0.5f], [true], bins: 0));
    }
}
