using MixAug.ImageSharp.Drawing;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Samples.CommandLine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.Preview;

/// <summary>The label maps and boxes of the scenes the preview mixes with --dense.</summary>
/// <param name="LabelMaps">Class index per pixel, <c>[B, S, S]</c>.</param>
/// <param name="Boxes">Each scene's boxes.</param>
internal sealed record SceneTargets(byte[] LabelMaps, IReadOnlyList<DetectionBoxes> Boxes);

/// <summary>
/// One method's dense targets, mixed by the plan that mixed the images (LabelMapMixer, BoxMixer), and the band drawn
/// under its tiles: per tile a <see cref="DenseTargetPanel"/> under the tile's column. A plan the targets cannot follow
/// (ResizeMix moves the partner's pixels) gets a band with the reason instead.
/// </summary>
internal sealed class DenseView : IDisposable
{
    private DenseView(Image<Rgb24> band, ContactSheetLayout layout, byte[]? maps, DetectionBoxes[]? boxes, IReadOnlyList<BoxLine>[]? reports, string? refusal)
    {
        Band = band;
        Layout = layout;
        LabelMaps = maps;
        Boxes = boxes;
        Reports = reports;
        Refusal = refusal;
    }

    /// <summary>The band, as wide as the method's sheet.</summary>
    public Image<Rgb24> Band { get; }

    /// <summary>The sheet's layout, whose columns the panels follow.</summary>
    public ContactSheetLayout Layout { get; }

    /// <summary>The mixed label maps, or null when refused.</summary>
    public byte[]? LabelMaps { get; }

    /// <summary>The mixed boxes of each sample, or null when refused.</summary>
    public DetectionBoxes[]? Boxes { get; }

    /// <summary>Per sample, every source box and what became of it, or null when refused.</summary>
    public IReadOnlyList<BoxLine>[]? Reports { get; }

    /// <summary>Why the targets could not be mixed by this plan, or null.</summary>
    public string? Refusal { get; }

    /// <summary>Where tile <paramref name="tile"/>'s panel lies on <see cref="Band"/>.</summary>
    public Rectangle PanelBounds(int tile) =>
        new(Layout.TileBounds(tile).X, ContactSheetLayout.Margin + ((tile / Layout.Columns) * (Layout.SampleHeight + ContactSheetLayout.Margin)), Layout.SampleWidth, Layout.SampleHeight);

    public static DenseView Create(MixPlan plan, PreviewBatch batch, SceneTargets targets, byte[] mixed, ContactSheetLayout layout)
    {
        var maps = new byte[targets.LabelMaps.Length];
        DetectionBoxes[] boxes;
        try
        {
            LabelMapMixer.Mix(plan, targets.LabelMaps, maps);
            boxes = BoxMixer.Mix(plan, targets.Boxes);
        }
        catch (ArgumentException e) when (e.ParamName == "plan")
        {
            // The plan is valid for the images, so a refusal here is about the targets: say it where the panels would be.
            string reason = $"dense targets not drawn: {ArgumentErrors.Sentence(e)}";
            int width = Math.Max(layout.Width, ContactSheetLegend.MinimumWidth(layout.TextScale));
            return new DenseView(ContactSheetLegend.Draw([new LegendEntry(LegendMark.None, string.Empty, reason)], width, layout.TextScale, heading: null), layout, null, null, null, reason);
        }

        var reports = new IReadOnlyList<BoxLine>[layout.TileCount];
        int height = ContactSheetLayout.Margin + (layout.Rows * (layout.SampleHeight + ContactSheetLayout.Margin));
        var band = new Image<Rgb24>(layout.Width, height, ContactSheet.Background);
        var view = new DenseView(band, layout, maps, boxes, reports, null);
        for (int tile = 0; tile < layout.TileCount; tile++)
        {
            reports[tile] = BoxReport.For(plan, tile, targets.Boxes, boxes[tile], BoxMixer.DefaultMinVisibleFraction);
            using Image<Rgb24> panel = DenseTargetPanel.Draw(mixed, batch.Shape, tile, maps, boxes[tile], layout.TextScale);
            Rectangle at = view.PanelBounds(tile);
            band.Mutate(ctx => ctx.DrawImage(panel, new Point(at.X, at.Y), 1f));
        }

        return view;
    }

    public void Dispose() => Band.Dispose();
}
