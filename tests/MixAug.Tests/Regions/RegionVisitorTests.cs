using System.Reflection;
using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;
using MixAug.Saliency;

namespace MixAug.Tests.Regions;

/// <summary>
/// The closed set of region kinds and its one interpretation per backend: every kind has exactly one visitor method
/// (so adding a kind breaks every interpreter's compilation), calls that method and no other, and no region can be
/// made outside MixAug.
/// </summary>
public class RegionVisitorTests
{
    private static readonly Type[] RegionKinds =
        [.. typeof(MixRegion).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(MixRegion)) && !t.IsAbstract)];

    [Test]
    public void EveryRegionKindHasExactlyOneVisitorMethod()
    {
        MethodInfo[] methods = typeof(IMixRegionVisitor<int>).GetMethods();
        Assert.That(RegionKinds, Has.Length.EqualTo(Enum.GetValues<MixRegionKind>().Length), "one class per MixRegionKind");
        Assert.That(methods, Has.Length.EqualTo(RegionKinds.Length));
        foreach (Type kind in RegionKinds)
        {
            Assert.That(methods.Count(m => m.GetParameters().Single().ParameterType == kind), Is.EqualTo(1), kind.Name);
        }
    }

    [Test]
    public void RegionsCannotBeMadeOutsideMixAug()
    {
        ConstructorInfo[] baseConstructors = typeof(MixRegion).GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic);
        Assert.That(baseConstructors.All(c => c.IsFamilyAndAssembly), Is.True, "private protected: no subclass outside the assembly");
        Assert.That(RegionKinds.All(t => t.IsSealed), Is.True);
    }

    [Test]
    public void AcceptCallsTheMethodOfItsOwnKind()
    {
        var spatial = new SpatialShape(4, 4);
        var maps = SaliencyMaps.FromGrids(SpectralResidualSaliency.Default, spatial, 4, 4, new float[32]);
        MixRegion[] regions =
        [
            MixRegion.Keep,
            MixRegion.Blend,
            new BoxRegion(0, 0, 1, 1),
            new MaskRegion(new float[16]),
            new FourierMaskRegion(new FourierNoise(spatial, 3, 1), 4),
            new SaliencyMaskRegion(maps, 1, 4),
            new TileRegion([new Tile(1, 0, 0, 2, 2)]),
            new SoftBoxRegion(spatial, 1, 1, 3, 3, 1.5),
            new ResizeRegion(spatial, 1, 0, 3, 4),
            new MosaicRegion(spatial, 2, 1, 2, 3, [0, 1, 1, 0]),
        ];
        Assert.That(regions.Select(r => r.GetType()), Is.EquivalentTo(RegionKinds), "the list covers every kind");
        foreach (MixRegion region in regions)
        {
            Assert.That(region.Accept(new KindNamer()), Is.EqualTo(region.Kind.ToString()));
        }

        Assert.Throws<ArgumentNullException>(() => MixRegion.Keep.Accept<string>(null!));
    }

    private sealed class KindNamer : IMixRegionVisitor<string>
    {
        public string VisitKeep(KeepRegion region) => "Keep";

        public string VisitBlend(BlendRegion region) => "Blend";

        public string VisitBox(BoxRegion region) => "Box";

        public string VisitMask(MaskRegion region) => "Mask";

        public string VisitFourierMask(FourierMaskRegion region) => "FourierMask";

        public string VisitSaliencyMask(SaliencyMaskRegion region) => "SaliencyMask";

        public string VisitTiles(TileRegion region) => "Tiles";

        public string VisitSoftBox(SoftBoxRegion region) => "SoftBox";

        public string VisitResize(ResizeRegion region) => "Resize";

        public string VisitMosaic(MosaicRegion region) => "Mosaic";
    }
}
