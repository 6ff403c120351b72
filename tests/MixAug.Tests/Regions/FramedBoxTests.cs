using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Regions;
using MixAug.Testing;

namespace MixAug.Tests.Regions;

/// <summary>
/// A box with a frame range (a cuboid of a clip) through everything that reads regions: its share, membership,
/// the rasteriser, the CPU mixer, label maps, MixAssert, the valid-length rules and JSON. Expected values are worked
/// out here by hand or by a loop over the clip's coordinates.
/// </summary>
public class FramedBoxTests
{
    private static readonly SpatialShape Clip = SpatialShape.Volume(4, 3, 5);

    /// <summary>Frames [1, 3) × rows [1, 3) × cols [0, 2): 2·2·2 = 8 of the clip's 60 elements.</summary>
    private static readonly BoxRegion Cuboid = new BoxRegion(1, 0, 3, 2).WithFrames(1, 3);

    [Test]
    public void TheShareIsTheCuboidsVolumeOverTheClips()
    {
        Assert.That(Cuboid.OwnShare(Clip, 0.5), Is.EqualTo(52.0 / 60.0));
        Assert.That(Cuboid.ToString(), Is.EqualTo("box frames [1, 3) rows [1, 3) cols [0, 2)"));
        Assert.That((Cuboid.FirstFrame, Cuboid.EndFrame, Cuboid.HasFrameRange), Is.EqualTo((1, (int?)3, true)));

        // Without a range the box covers every frame: the share of one plane, 1 − 4/15, as before frame ranges existed.
        var everyFrame = new BoxRegion(1, 0, 3, 2);
        Assert.That((everyFrame.FirstFrame, everyFrame.EndFrame, everyFrame.HasFrameRange), Is.EqualTo((0, (int?)null, false)));
        Assert.That(everyFrame.OwnShare(Clip, 0.5), Is.EqualTo(11.0 / 15.0));
    }

    [Test]
    public void MembershipRasterAndMixerAgreeWithTheCoordinates()
    {
        var slots = new byte[Clip.Size];
        var weights = new float[Clip.Size];
        RegionRasterizer.WriteSlots(Cuboid, Clip, slots);
        RegionRasterizer.WriteOwnWeights(Cuboid, Clip, 0.5, weights);

        var shape = new BatchShape(2, 2, Clip);
        MixPlan plan = new MixPlan(Clip, [1, 0], [52.0 / 60, 1.0], [Cuboid, MixRegion.Keep]);
        float[] input = [.. Enumerable.Range(0, shape.ElementCount).Select(k => (float)k)];
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        float[] inPlace = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, inPlace);

        int inside = 0;
        for (int f = 0, e = 0; f < 4; f++)
        {
            for (int y = 0; y < 3; y++)
            {
                for (int x = 0; x < 5; x++, e++)
                {
                    bool expected = f is >= 1 and < 3 && y is >= 1 and < 3 && x is >= 0 and < 2;
                    inside += expected ? 1 : 0;
                    Assert.That(Cuboid.Contains(Clip, e), Is.EqualTo(expected), $"frame {f}, row {y}, col {x}");
                    Assert.That(slots[e], Is.EqualTo(expected ? 1 : 0));
                    Assert.That(weights[e], Is.EqualTo(expected ? 0f : 1f));
                    for (int ch = 0; ch < 2; ch++)
                    {
                        int own = (ch * 60) + e, partner = 120 + (ch * 60) + e;
                        Assert.That(output[own], Is.EqualTo(input[expected ? partner : own]), $"channel {ch}, frame {f}, row {y}, col {x}");
                        Assert.That(inPlace[own], Is.EqualTo(output[own]), "in place gives the same elements");
                    }
                }
            }
        }

        Assert.That(inside, Is.EqualTo(8));
        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.DoesNotThrow(() => MixAssert.LambdasMatchRegions(plan));

        // MixAssert catches the cuboid one frame too long (frame 3 taken too).
        float[] tooLong = (float[])output.Clone();
        tooLong[(3 * 15) + 5] = input[120 + (3 * 15) + 5];
        Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, tooLong));
    }

    [Test]
    public void LabelMapsOfClipsFollowTheCuboid()
    {
        var random = new MixRandom(3);
        for (int trial = 0; trial < 50; trial++)
        {
            int t = 1 + random.NextInt(5), h = 1 + random.NextInt(4), w = 1 + random.NextInt(6);
            var clip = SpatialShape.Volume(t, h, w);
            int f = random.NextInt(t), top = random.NextInt(h), left = random.NextInt(w);
            BoxRegion box = new BoxRegion(top, left, top + 1 + random.NextInt(h - top), left + 1 + random.NextInt(w - left)).WithFrames(f, f + 1 + random.NextInt(t - f));
            MixPlan plan = new MixPlan(clip, [1, 0, 2], [box.OwnShare(clip, 0.5), 1.0, 1.0], [box, MixRegion.Keep, MixRegion.Keep]);
            int n = clip.Size;
            long[] labels = [.. Enumerable.Range(0, 3 * n).Select(k => (long)k)];
            var mixed = new long[labels.Length];
            LabelMapMixer.Mix(plan, labels, mixed);
            byte[] bytes = [.. labels.Select(v => (byte)v)];
            var mixedBytes = new byte[bytes.Length];
            LabelMapMixer.Mix(plan, bytes, mixedBytes);
            for (int e = 0; e < n; e++)
            {
                int frame = e / (h * w), y = e / w % h, x = e % w;
                bool inside = frame >= box.FirstFrame && frame < box.EndFrame && y >= box.Top && y < box.Bottom && x >= box.Left && x < box.Right;
                Assert.That(mixed[e], Is.EqualTo(inside ? n + e : e), $"trial {trial}, {box} in {clip}, element {e}");
                Assert.That(mixedBytes[e], Is.EqualTo((byte)mixed[e]));
            }

            Assert.That(mixed.AsSpan(n).ToArray(), Is.EqualTo(labels.AsSpan(n).ToArray()), "kept samples keep their maps");
        }
    }

    [Test]
    public void BadRangesAndMisfitsAreRefusedWithTheirNumbers()
    {
        var box = new BoxRegion(0, 0, 2, 2);
        var negative = Assert.Throws<ArgumentOutOfRangeException>(() => box.WithFrames(-1, 2));
        Assert.That(negative!.ParamName, Is.EqualTo("firstFrame"));
        Assert.That(negative.Message, Does.Contain("firstFrame -1, endFrame 2"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => box.WithFrames(2, 2))!.ParamName, Is.EqualTo("endFrame"));
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => box.WithFrames(3, 1))!.Message, Does.Contain("firstFrame 3, endFrame 1"));

        var image = Assert.Throws<ArgumentException>(() => _ = new MixPlan(new SpatialShape(4, 4), [1, 0], [0.75, 1.0], [box.WithFrames(0, 1), MixRegion.Keep]));
        Assert.That(image!.ParamName, Is.EqualTo("regions"));
        Assert.That(image.Message, Does.Contain("sample 0").And.Contain("4x4 has no frames"));
        Assert.Throws<ArgumentException>(() => box.WithFrames(0, 1).Contains(new SpatialShape(4, 4), 0));

        var past = Assert.Throws<ArgumentException>(() => _ = new MixPlan(Clip, [1, 0], [0.9, 1.0], [new BoxRegion(0, 0, 1, 1).WithFrames(2, 5), MixRegion.Keep]));
        Assert.That(past!.ParamName, Is.EqualTo("regions"));
        Assert.That(past.Message, Does.Contain("ends at frame 5").And.Contain("4 frames"));
    }

    /// <summary>A cuboid takes only frames before its end: it needs the partner and the sample valid up to there, no further.</summary>
    [Test]
    public void WithValidLengthsAllowsACuboidInsideBothAndRefusesOneFramePast()
    {
        MixPlan Plan() => new(Clip, [1, 0], [Cuboid.OwnShare(Clip, 0.5), 1.0], [Cuboid, MixRegion.Keep]);

        // Frames [1, 3) lie inside a sample of 3 frames and a partner of 3: allowed, and the share is over the sample's 3 frames.
        MixPlan inside = Plan().WithValidLengths([3, 3]);
        Assert.That(inside.OutputLengths.ToArray(), Is.EqualTo(new[] { 3, 3 }));
        Assert.That(inside.MeasureOwnShare(0), Is.EqualTo((45.0 - 8) / 45));

        // A box on every frame would refuse a partner shorter than the sample; the cuboid only needs its frames.
        Assert.That(Plan().WithValidLengths([4, 3]).OutputLengths.ToArray(), Is.EqualTo(new[] { 4, 3 }));

        var partner = Assert.Throws<ArgumentException>(() => Plan().WithValidLengths([4, 2]));
        Assert.That(partner!.ParamName, Is.EqualTo("validLengths"));
        Assert.That(partner.Message, Does.Contain("Sample 0").And.Contain("up to 3").And.Contain("(2)").And.Contain("[4, 2]"));

        var own = Assert.Throws<ArgumentException>(() => Plan().WithValidLengths([2, 4]));
        Assert.That(own!.Message, Does.Contain("up to 3").And.Contain("(2)"));
    }

    [Test]
    public void JsonWritesTheRangeOnlyWhenThereIsOneAndReplaysIt()
    {
        MixPlan plan = new MixPlan(Clip, [1, 0], [52.0 / 60, 0.75], [Cuboid, new BoxRegion(0, 1, 2, 3)]).WithValidLengths([3, 3]);
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Is.EqualTo(
            "{\"format\":\"mixaug-plan/2\",\"transform\":\"Custom\",\"pairing\":\"Custom\",\"mode\":\"Element\",\"batch\":2,\"spatial\":[4,3,5],\"validLengths\":[3,3]," +
            "\"samples\":[{\"partner\":1,\"lambda\":0.8666666666666667,\"region\":\"box\",\"box\":[1,0,3,2],\"frames\":[1,3]},{\"partner\":0,\"lambda\":0.75,\"region\":\"box\",\"box\":[0,1,2,3]}]}"));

        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        Assert.That(back.Regions.Select(r => r.ToString()), Is.EqualTo(plan.Regions.Select(r => r.ToString())));

        // A document without "frames" (every document written before frame ranges) reads as boxes on every frame.
        string old = json.Replace(",\"frames\":[1,3]", string.Empty).Replace("\"validLengths\":[3,3],", string.Empty);
        MixPlan oldPlan = MixPlanJson.Parse(old);
        Assert.That(((BoxRegion)oldPlan.Regions[0]).HasFrameRange, Is.False);
        Assert.That(MixPlanJson.Serialize(oldPlan), Is.EqualTo(old));

        // Bad ranges are refused about the caller's text.
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => MixPlanJson.Parse(json.Replace("[1,3]", "[3,1]")))!.ParamName, Is.EqualTo("json"));
        Assert.That(Assert.Throws<ArgumentException>(() => MixPlanJson.Parse(json.Replace("[1,3]", "[1,9]")))!.Message, Does.Contain("ends at frame 9"));
        Assert.Throws<FormatException>(() => MixPlanJson.Parse(json.Replace("[1,3]", "[1]")));
    }
}
