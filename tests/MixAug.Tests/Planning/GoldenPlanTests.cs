using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Planning;

/// <summary>
/// Fingerprints of plans for fixed seeds. They pin the reproducibility contract: the same MixAug version, seed,
/// shape and parameters give the same plan on every machine. A change here is a breaking change of every user's
/// recorded runs, so it must be deliberate and called out in the release notes; never update a value to make the
/// test pass without that.
/// </summary>
public class GoldenPlanTests
{
    private static readonly BatchShape Shape = new(7, 3, 32, 48);

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new MixUp(alpha: 0.8), "mixup-batch");
        yield return new TestCaseData(new MixUp(alpha: 0.4, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation, probability: 0.6), "mixup-elem-perm");
        yield return new TestCaseData(new CutMix(alpha: 1.0, mode: LambdaMode.Pair), "cutmix-pair");
        yield return new TestCaseData(new CutMix(minRatio: 0.2, maxRatio: 0.8, mode: LambdaMode.Element, pairing: PairingStrategy.Roll), "cutmix-minmax-roll");
        yield return new TestCaseData(new MixChoice((new MixUp(0.8, mode: LambdaMode.Element), 0.5), (new CutMix(1.0, mode: LambdaMode.Element), 0.5)), "choice");
    }

    // Recorded from the first implementation (2026-11-26), after its values were checked by the hand-derived draw
    // order tests in MixUpTests and CutMixTests.
    [TestCaseSource(nameof(Cases))]
    public void FingerprintIsStable(IMixTransform transform, string name)
    {
        string fingerprint = MixPlanJson.Fingerprint(transform.CreatePlan(Shape, MixRandom.ForBatch(20261126, 3, 14)));
        Assert.That(fingerprint, Is.EqualTo(Expected[name]), MixPlanJson.Serialize(transform.CreatePlan(Shape, MixRandom.ForBatch(20261126, 3, 14))));
    }

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["mixup-batch"] = "c28c52d16664b0039c636aed4773d03f2e96b9d60f0fc6d676035f3f49c98327",
        ["mixup-elem-perm"] = "d70a805215890751e248c5c9200d0fd92c8c8c92eafe6f7fc7c99a91f7c94c53",
        ["cutmix-pair"] = "e8f047e1119994376005385182ab194fb22c353c2db689c99ae5d4895146e1cc",
        ["cutmix-minmax-roll"] = "09feea66552a32d2e7cca42a4a2ddbca3ad2538bad3355d1bfbdd96116062038",
        ["choice"] = "b23b0b9780695a95cd5c368ca4ff4105a8d681284585eec152beb2668d073a9c",
    };
}
