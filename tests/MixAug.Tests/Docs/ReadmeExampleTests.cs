using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Docs;

/// <summary>The README's example, verbatim, so the documentation cannot stop compiling or working.</summary>
public class ReadmeExampleTests
{
    [Test]
    public void ReadmeExampleRunsAndItsPlanReplays()
    {
        // --- README example, unchanged ---
        var policy = new MixChoice((new MixUp(alpha: 0.8), 0.5), (new CutMix(alpha: 1.0), 0.5));

        var shape = new BatchShape(batchSize: 128, channels: 3, height: 224, width: 224);
        float[] pixels = new float[shape.ElementCount]; // your planar NCHW batch
        int[] labels = new int[shape.BatchSize];        // your class indices

        MixPlan plan = policy.CreatePlan(shape, MixRandom.ForBatch(seed: 42, epoch: 3, batchIndex: 17));
        CpuMixer.ApplyInPlace(plan, pixels);
        float[] targets = LabelMixer.ToSoftTargets(plan, labels, classCount: 1000, smoothing: 0.1);

        string json = MixPlanJson.Serialize(plan);
        // --- end of the README example ---

        Assert.That(targets, Has.Length.EqualTo(128 * 1000));
        Assert.That(MixPlanJson.Serialize(MixPlanJson.Parse(json)), Is.EqualTo(json));
        Assert.That(MixPlanJson.Serialize(policy.CreatePlan(shape, MixRandom.ForBatch(42, 3, 17))), Is.EqualTo(json));
    }
}
