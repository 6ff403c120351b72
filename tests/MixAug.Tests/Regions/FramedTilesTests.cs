using MixAug.Cpu;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Testing;

namespace MixAug.Tests.Regions;

/// <summary>
/// Tiles with a frame range (GridMix's and MultiCutMix's clips with frame counts) through what reads regions: the
/// shares, membership, the rasteriser, the CPU mixer in place and not, MixAssert, the checks and JSON. Expected values
/// are worked out here by hand or by a loop over the clip's coordinates.
/// </summary>
public class FramedTilesTests
{
    private static readonly SpatialShape Clip = SpatialShape.Volume(4, 3, 5);

    /// <summary>Slot 1 over rows [0, 2) × cols [0, 3), then slot 2 over rows [1, 3) × cols [2, 5), on frames [1, 3):
    /// per frame slot 2 shows 2·3 = 6 elements, slot 1 the 6 − 1 it keeps, the sample 4 of 15.</summary>
    private static readonly TileRegion Framed = new TileRegion([new Tile(1, 0, 0, 2, 3), new Tile(2, 1, 2, 3, 5)]).WithFrames(1, 3);

    [Test]
    public void TheSharesAreTheVisibleAreasOnTheRangesFramesOverTheClips()
    {
        var shares = new double[3];
        Framed.MeasureShares(Clip, [], shares);
        Assert.That(shares, Is.EqualTo(new[] { (2.0 * 15 + (2 * 4)) / 60, 2.0 * 5 / 60, 2.0 * 6 / 60 }));
        Assert.That((Framed.FirstFrame, Framed.EndFrame, Framed.HasFrameRange), Is.EqualTo((1, (int?)3, true)));
        Assert.That(Framed.ToString(), Does.StartWith("2 tiles on frames [1, 3): "));

        // Without a range the tiles cover every frame: the shares of one plane, as before frame ranges existed.
        var everyFrame = new TileRegion(Framed.Tiles);
        everyFrame.MeasureShares(Clip, [], shares);
        Assert.That(shares, Is.EqualTo(new[] { 4.0 / 15, 5.0 / 15, 6.0 / 15 }));
        Assert.That((everyFrame.FirstFrame, everyFrame.EndFrame, everyFrame.HasFrameRange), Is.EqualTo((0, (int?)null, false)));
    }

    [Test]
    public void MembershipRasterAndMixerAgreeWithTheCoordinates()
    {
        var slots = new byte[Clip.Size];
        RegionRasterizer.WriteSlots(Framed, Clip, slots);
        var shape = new BatchShape(3, 2, Clip);
        var shares = new double[3];
        Framed.MeasureShares(Clip, [], shares);
        var plan = new MixPlan(Clip, [new SampleRecipe([0, 1, 2], shares, Framed), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]);
        float[] input = [.. Enumerable.Range(0, shape.ElementCount).Select(k => (float)k)];
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        float[] inPlace = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, inPlace);

        for (int f = 0, e = 0; f < 4; f++)
        {
            for (int y = 0; y < 3; y++)
            {
                for (int x = 0; x < 5; x++, e++)
                {
                    bool onFrames = f is >= 1 and < 3;
                    int expected = !onFrames ? 0 : y is >= 1 and < 3 && x >= 2 ? 2 : y < 2 && x < 3 ? 1 : 0;
                    Assert.That(Framed.SlotAt(Clip, e), Is.EqualTo(expected), $"frame {f}, row {y}, col {x}");
                    Assert.That(slots[e], Is.EqualTo(expected));
                    for (int ch = 0; ch < 2; ch++)
                    {
                        int at = (ch * 60) + e;
                        Assert.That(output[at], Is.EqualTo(input[(expected * 120) + at]), $"channel {ch}, frame {f}, row {y}, col {x}");
                        Assert.That(inPlace[at], Is.EqualTo(output[at]), "in place gives the same elements");
                    }
                }
            }
        }

        Assert.DoesNotThrow(() => MixAssert.PixelsFollowPlan(plan, input, output));
        Assert.DoesNotThrow(() => MixAssert.LambdasMatchRegions(plan));

        // MixAssert catches the tiles one frame too long (frame 3 takes slot 1 too).
        float[] tooLong = (float[])output.Clone();
        tooLong[3 * 15] = input[120 + (3 * 15)];
        Assert.Throws<MixInvariantException>(() => MixAssert.PixelsFollowPlan(plan, input, tooLong));
    }

    [Test]
    public void PartnerTilesOfAPairWithDifferentRangesMixInPlaceAsOutOfPlace()
    {
        // The flip pairing's 2-cycle of partner-only tilings (GridMix's) mixes both samples row by row in one pass: each
        // sample's tiles on its own frames only.
        var grid = new TileRegion([new Tile(1, 0, 1, 2, 3), new Tile(1, 2, 3, 3, 5)]);
        TileRegion first = grid.WithFrames(0, 2), second = new TileRegion([new Tile(1, 1, 0, 3, 4)]).WithFrames(1, 4);
        var shape = new BatchShape(2, 3, Clip);
        var plan = new MixPlan(Clip, [1, 0], [first.OwnShare(Clip, 0.5), second.OwnShare(Clip, 0.5)], [first, second]);
        float[] input = [.. Enumerable.Range(0, shape.ElementCount).Select(k => (float)k)];
        var output = new float[input.Length];
        CpuMixer.Apply(plan, input, output);
        float[] inPlace = (float[])input.Clone();
        CpuMixer.ApplyInPlace(plan, inPlace);
        Assert.That(inPlace, Is.EqualTo(output));
        for (int i = 0; i < 2; i++)
        {
            TileRegion region = i == 0 ? first : second;
            for (int ch = 0; ch < 3; ch++)
            {
                for (int e = 0; e < Clip.Size; e++)
                {
                    int at = (((i * 3) + ch) * 60) + e, from = region.SlotAt(Clip, e) == 1 ? (((1 - i) * 3) + ch) * 60 + e : at;
                    Assert.That(output[at], Is.EqualTo(input[from]), $"sample {i}, channel {ch}, element {e}");
                }
            }
        }
    }

    [Test]
    public void BadRangesAreRefusedByNameWithTheNumbers()
    {
        var tiles = new TileRegion([new Tile(1, 0, 0, 1, 1)]);
        Assert.That(Assert.Throws<ArgumentOutOfRangeException>(() => tiles.WithFrames(-1, 2))!.ParamName, Is.EqualTo("firstFrame"));
        var empty = Assert.Throws<ArgumentOutOfRangeException>(() => tiles.WithFrames(2, 2));
        Assert.That(empty!.ParamName, Is.EqualTo("endFrame"));
        Assert.That(empty.Message, Does.Contain("firstFrame 2, endFrame 2"));

        // A plan checks the range against its extent: frames need a clip, and must end within its T.
        var image = Assert.Throws<ArgumentException>(() => new MixPlan(new SpatialShape(3, 5), [1, 0], [0.9, 1.0], [tiles.WithFrames(0, 1), MixRegion.Keep]));
        Assert.That(image!.Message, Does.Contain("frame range [0, 1)").And.Contain("no frames"));
        var past = Assert.Throws<ArgumentException>(() => new MixPlan(Clip, [1, 0], [0.9, 1.0], [tiles.WithFrames(2, 5), MixRegion.Keep]));
        Assert.That(past!.Message, Does.Contain("frame 5").And.Contain("4 frames"));
    }

    [Test]
    public void JsonWritesTheRangeAndReplaysTheSameBits()
    {
        var shares = new double[3];
        Framed.MeasureShares(Clip, [], shares);
        var plan = new MixPlan(Clip, [new SampleRecipe([0, 1, 2], shares, Framed), SampleRecipe.Unmixed(1), SampleRecipe.Unmixed(2)]);
        string json = MixPlanJson.Serialize(plan);
        Assert.That(json, Does.Contain("\"frames\":[1,3]"));
        MixPlan back = MixPlanJson.Parse(json);
        Assert.That(MixPlanJson.Serialize(back), Is.EqualTo(json));
        var tiles = (TileRegion)back.Regions[0];
        Assert.That((tiles.FirstFrame, tiles.EndFrame, tiles.Tiles), Is.EqualTo((1, (int?)3, Framed.Tiles)));

        // A reversed range, or one past the clip, is refused by name when the document is read.
        Assert.That(Assert.Catch<ArgumentException>(() => MixPlanJson.Parse(json.Replace("\"frames\":[1,3]", "\"frames\":[3,1]", StringComparison.Ordinal)))!.ParamName, Is.EqualTo("json"));
        Assert.That(Assert.Catch<ArgumentException>(() => MixPlanJson.Parse(json.Replace("\"frames\":[1,3]", "\"frames\":[1,5]", StringComparison.Ordinal)))!.ParamName, Is.EqualTo("json"));
    }
}
