using MixAug.Planning;
using MixAug.Regions;
using MixAug.Randomness;
using MixAug.Transforms;

namespace MixAug.Tests.Planning;

public class MixPlanJsonTests
{
    [Test]
    public void SmallPlanHasTheDocumentedForm()
    {
        var shape = new BatchShape(3, 1, 2, 2);
        var mask = new MaskRegion([1, 0, 0.5f, 1]);
        var plan = new MixPlan(shape.Spatial, [2, 1, 0], [0.75, 1, 0.625], [new BoxRegion(0, 0, 1, 1), MixRegion.Keep, mask], "Test", PairingStrategy.Flip, LambdaMode.Element);
        Assert.That(MixPlanJson.Serialize(plan), Is.EqualTo(
            "{\"format\":\"mixaug-plan/2\",\"transform\":\"Test\",\"pairing\":\"Flip\",\"mode\":\"Element\",\"batch\":3,\"spatial\":[2,2]," +
            "\"masks\":[[1,0,0.5,1]]," +
            "\"samples\":[{\"partner\":2,\"lambda\":0.75,\"region\":\"box\",\"box\":[0,0,1,1]}," +
            "{\"partner\":1,\"lambda\":1,\"region\":\"keep\"}," +
            "{\"partner\":0,\"lambda\":0.625,\"region\":\"mask\",\"mask\":0}]}"));
    }

    [Test]
    public void RoundTripKeepsEveryBit()
    {
        var random = new MixRandom(17);
        var shape = new BatchShape(9, 3, 13, 7);
        IMixTransform[] transforms =
        [
            new MixUp(alpha: 0.4, mode: LambdaMode.Element, pairing: PairingStrategy.Permutation),
            new CutMix(mode: LambdaMode.Pair, probability: 0.7),
            new CutMix(minRatio: 0.2, maxRatio: 0.8, pairing: PairingStrategy.Roll, mode: LambdaMode.Element),
        ];
        foreach (IMixTransform t in transforms)
        {
            MixPlan plan = t.CreatePlan(shape, random);
            string json = MixPlanJson.Serialize(plan);
            MixPlan back = MixPlanJson.Parse(json);
            Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
            Assert.That(back.Lambdas.ToArray(), Is.EqualTo(plan.Lambdas.ToArray()));
            Assert.That(back.Spatial, Is.EqualTo(plan.Spatial));
            Assert.That(back.BatchSize, Is.EqualTo(plan.BatchSize));
            Assert.That(back.TransformName, Is.EqualTo(plan.TransformName));
        }
    }

    [Test]
    public void SharedMasksAreWrittenOnce()
    {
        var shape = new BatchShape(2, 1, 1, 2);
        var mask = new MaskRegion([1, 0]);
        var plan = new MixPlan(shape.Spatial, [1, 0], [0.5, 0.5], [mask, mask]);
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"masks\":[[1,0]]"));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(back.Regions[0], Is.SameAs(back.Regions[1]));
    }

    [TestCase("not json")]
    [TestCase("{\"format\":\"other/1\"}")]
    [TestCase("{\"format\":\"mixaug-plan/1\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"shape\":[1,1,1,1],\"masks\":[],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"spiral\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Sideways\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip, Roll\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"0\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"99\",\"batch\":1,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":1,\"lambda\":1,\"region\":\"mask\",\"mask\":3}, {\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[0,1],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"noises\":[{\"seed\":-1,\"decay\":3,\"spectrum\":\"paper\"}],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":1,\"spatial\":[1,1],\"noises\":[{\"seed\":1,\"decay\":3,\"spectrum\":\"pink\"}],\"samples\":[{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    [TestCase("{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[4,4],\"saliency\":[{\"source\":\"s\",\"grid\":[2,2],\"maps\":[[1,\"AAAA\"]]}],\"samples\":[{\"partner\":1,\"lambda\":0.5,\"region\":\"saliency\",\"saliency\":0,\"map\":1,\"own\":8},{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}")]
    public void RejectsMalformedDocuments(string json)
    {
        Assert.Throws<FormatException>(() => MixPlanJson.Parse(json));
    }

    [Test]
    public void InvalidPlansInWellFormedDocumentsAreRejectedByThePlan()
    {
        const string json = "{\"format\":\"mixaug-plan/2\",\"transform\":\"x\",\"pairing\":\"Flip\",\"mode\":\"Batch\",\"batch\":2,\"spatial\":[1,1],\"samples\":[{\"partner\":0,\"lambda\":0.5,\"region\":\"blend\"},{\"partner\":0,\"lambda\":1,\"region\":\"keep\"}]}";
        var e = Assert.Throws<ArgumentException>(() => MixPlanJson.Parse(json));
        Assert.That(e!.Message, Does.Contain("Sample 0 has sources [0, 0]"));
    }
}
