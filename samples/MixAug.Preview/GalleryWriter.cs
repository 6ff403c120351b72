using System.Globalization;
using System.Net;
using System.Text;
using MixAug.ImageSharp.Drawing;
using MixAug.Labels;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.Preview;

/// <summary>
/// Writes a static HTML gallery: index.html with one section per method, each tile's images as PNG files in a folder
/// per method, and λ, the pair and the label mix as HTML text. The tile images are cut from the contact sheet, so the
/// gallery shows exactly the pixels of the PNG sheet.
/// </summary>
internal static class GalleryWriter
{
    public static void Write(string directory, PreviewOptions options, PreviewBatch batch, IReadOnlyList<MethodPreview> previews)
    {
        Directory.CreateDirectory(directory);
        var html = new StringBuilder();
        html.Append("""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>MixAug preview</title>
            <style>
            body { font-family: system-ui, sans-serif; background: #1c1e22; color: #ebebeb; margin: 1.5em; }
            h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
            .params { color: #b0b0b0; font-family: monospace; }
            .tiles { display: flex; flex-wrap: wrap; gap: 14px; }
            figure { margin: 0; background: #26292e; padding: 8px; border-radius: 6px; }
            figure img { image-rendering: pixelated; display: block; }
            .sources { display: flex; gap: 4px; margin-top: 4px; }
            .self { border-bottom: 3px solid #f28e2b; } .partner { border-bottom: 3px solid #4e79a7; }
            .bar { display: flex; height: 8px; margin-top: 6px; }
            figcaption { font-size: 0.85em; margin-top: 6px; line-height: 1.4; }
            figcaption .own { color: #f28e2b; } figcaption .other { color: #79a6d6; }
            a { color: #8ab4f8; }
            #legend dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; align-items: center; }
            #legend dt { font-family: monospace; color: #ebebeb; } #legend dd { margin: 0; color: #c8c8c8; }
            .swatch { display: inline-block; width: 2.2em; height: 0.9em; vertical-align: middle; border: 1px solid #5a5a5a; }
            .swatch.OwnSource { background: #f28e2b; } .swatch.PartnerSource { background: #4e79a7; }
            .swatch.OwnPixels { background: #fff; } .swatch.PartnerPixels { background: #000; } .swatch.Blend { background: #a0a0a0; }
            .swatch.Box { background: #fff; position: relative; }
            .swatch.Box::after { content: ""; position: absolute; left: 33%; top: 20%; width: 45%; height: 55%; background: #000; outline: 1px solid #4e79a7; }
            .swatch.LabelBar { background: linear-gradient(to right, #f28e2b 62%, #4e79a7 62%); }
            .boxes { font-size: 0.8em; margin: 4px 0 0; padding-left: 1.2em; max-width: 22em; } .boxes .dropped { color: #8a8a8a; }
            img.dense { margin-top: 6px; } .refusal { color: #e15759; }
            .swatch.Partners { background: #787878; border-bottom: 3px solid; border-image: linear-gradient(to right, #4e79a7 33%, #e15759 33% 66%, #59a14f 66%) 1; }
            </style>
            </head>
            <body>
            <h1>MixAug preview</h1>

            """);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"params\">seed {options.Seed}, {batch.Shape.BatchSize} samples of {batch.Shape.Width}x{batch.Shape.Height}; images: {Encode(string.Join(", ", batch.Names.Distinct()))}</p>\n");

        WriteLegend(html, PreviewApp.LegendFor(options));
        foreach (MethodPreview preview in previews)
        {
            string name = preview.Method.Name;
            string folder = Path.Combine(directory, name);
            Directory.CreateDirectory(folder);
            preview.Sheet.SaveAsPng(Path.Combine(folder, "sheet.png"));
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"{name}\">\n<h2>{Encode(preview.Plan.TransformName)}</h2>\n");
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"params\">{Encode(preview.Description)} &middot; <a href=\"{name}/sheet.png\">contact sheet</a></p>\n");
            if (preview.Dense?.Refusal is string refusal)
            {
                html.Append(CultureInfo.InvariantCulture, $"<p class=\"refusal\">{Encode(refusal)}</p>\n");
            }

            html.Append("<div class=\"tiles\">\n");
            for (int i = 0; i < preview.Layout.TileCount; i++)
            {
                WriteTile(html, preview, batch, folder, name, i);
            }

            html.Append("</div>\n</section>\n");
        }

        html.Append("</body>\n</html>\n");
        File.WriteAllText(Path.Combine(directory, "index.html"), html.ToString(), new UTF8Encoding(false));
    }

    private static void WriteTile(StringBuilder html, MethodPreview preview, PreviewBatch batch, string folder, string name, int i)
    {
        MixPlan plan = preview.Plan;
        ContactSheetLayout layout = preview.Layout;
        int[] sources = plan.Sources(i).ToArray();
        int[] partners = sources.Length > 1 ? sources[1..] : [i];
        double[] weights = plan.Weights(i).ToArray();
        string prefix = $"tile{i:D2}";
        Save(preview.Sheet, layout.MixedBounds(i), Path.Combine(folder, prefix + "-mixed.png"));
        Save(preview.Sheet, layout.SelfBounds(i), Path.Combine(folder, prefix + "-self.png"));
        Save(preview.Sheet, layout.PartnerBounds(i), Path.Combine(folder, prefix + "-partner.png"));
        Save(preview.Sheet, layout.RegionBounds(i), Path.Combine(folder, prefix + "-region.png"));

        // A pair reads "λ·y0 + (1 − λ)·y7"; several partners (MultiCutMix) list every source with its weight, in the
        // colours of their strips and of their shares of the bar.
        string l = N(plan.Lambdas[i]);
        string pair = string.Join(" + ", sources.Select(s => $"#{s}"));
        string target = sources.Length == 1
            ? $"y{i}"
            : string.Join(" + ", sources.Select((s, k) => $"{N(k == 0 ? plan.Lambdas[i] : sources.Length == 2 ? 1 - plan.Lambdas[i] : weights[k])}&middot;y{s}"));
        string bar = string.Concat(weights.Select((w, k) =>
            k == weights.Length - 1 && k > 0 ? $"<div style=\"flex:1;background:{Css(k)}\"></div>" : $"<div style=\"width:{(w * 100).ToString("0.0", CultureInfo.InvariantCulture)}%;background:{Css(k)}\"></div>"));
        string names = string.Join(" + ", sources.Select((s, k) =>
            $"<span {(k switch { 0 => "class=\"own\"", 1 => "class=\"other\"", _ => $"style=\"color:{Css(k)}\"" })}>{Encode(batch.Names[s])}</span>"));
        string partnerTitle = Encode(string.Join(" + ", partners.Select(p => batch.Names[p])));
        html.Append(CultureInfo.InvariantCulture, $"""
            <figure>
            <img src="{name}/{prefix}-mixed.png" width="{layout.SampleWidth}" height="{layout.SampleHeight}" alt="mixed sample {i}">
            <div class="sources"><img class="self" src="{name}/{prefix}-self.png" alt="sample {i}" title="{Encode(batch.Names[i])}"><img class="partner" src="{name}/{prefix}-partner.png" alt="partner {string.Join(", ", partners)}" title="{partnerTitle}"><img src="{name}/{prefix}-region.png" alt="region"></div>
            <div class="bar">{bar}</div>
            <figcaption>λ = {l} &middot; {pair}<br>target = {target}<br>{Encode(plan.Regions[i].ToString() ?? string.Empty)}<br>{names}</figcaption>
            {DenseTargets(preview, folder, name, prefix, i)}</figure>

            """);
    }

    /// <summary>With --dense: the tile's dense panel as a PNG (cut from the band, as the tiles are from the sheet), then
    /// every box of every source: its class, where it came from, its visible fraction, and BoxMixer's corners and weight
    /// when it was kept.</summary>
    private static string DenseTargets(MethodPreview preview, string folder, string name, string prefix, int i)
    {
        if (preview.Dense is not { Reports: { } reports } dense)
        {
            return string.Empty;
        }

        Save(dense.Band, dense.PanelBounds(i), Path.Combine(folder, prefix + "-dense.png"));
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"<img class=\"dense\" src=\"{name}/{prefix}-dense.png\" width=\"{preview.Layout.SampleWidth}\" height=\"{preview.Layout.SampleHeight}\" alt=\"dense targets {i}\">\n<ul class=\"boxes\">\n");
        foreach (BoxLine box in reports[i])
        {
            string cls = SyntheticScenes.ClassNames[box.Class];
            string visible = box.VisibleFraction.ToString("0.000", CultureInfo.InvariantCulture);
            if (box.Source < 0 && box.Kept is ({ } moved, float movedWeight))
            {
                text.Append(Invariant($"<li style=\"color:{ClassCss(box.Class)}\">{cls}, kept: weight {movedWeight:0.000}, box ({moved[0]:0.#}, {moved[1]:0.#}, {moved[2]:0.#}, {moved[3]:0.#})</li>\n"));
                continue;
            }

            text.Append(box.Kept is ({ } c, float weight)
                ? Invariant($"<li style=\"color:{ClassCss(box.Class)}\">{cls} from #{box.Source}: weight {weight:0.000}, visible {visible}, box ({c[0]:0.#}, {c[1]:0.#}, {c[2]:0.#}, {c[3]:0.#})</li>\n")
                : Invariant($"<li class=\"dropped\">{cls} from #{box.Source}: visible {visible}, dropped (at most {BoxMixer.DefaultMinVisibleFraction})</li>\n"));
        }

        text.Append("</ul>\n");
        return text.ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    private static string ClassCss(int cls)
    {
        Rgb24 c = DenseTargetPanel.ClassColor(cls);
        return $"#{c.R:x2}{c.G:x2}{c.B:x2}";
    }

    private static string N(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);

    /// <summary>A source slot's colour (<see cref="ContactSheet.SourceColor"/>) as CSS.</summary>
    private static string Css(int slot)
    {
        Rgb24 c = ContactSheet.SourceColor(slot);
        return $"#{c.R:x2}{c.G:x2}{c.B:x2}";
    }

    /// <summary>The sheet's legend as HTML: the same entries, with CSS swatches for the marks.</summary>
    private static void WriteLegend(StringBuilder html, IReadOnlyList<LegendEntry> entries)
    {
        html.Append("<section id=\"legend\">\n<h2>How to read a tile, top to bottom</h2>\n<dl>\n");
        foreach (LegendEntry entry in entries)
        {
            string term = entry.Mark == LegendMark.None
                ? Encode(entry.Key)
                : $"<span class=\"swatch {entry.Mark}\" title=\"{entry.Mark}\"></span>";
            html.Append(CultureInfo.InvariantCulture, $"<dt>{term}</dt><dd>{Encode(entry.Text)}</dd>\n");
        }

        html.Append("</dl>\n</section>\n");
    }

    private static void Save(Image<Rgb24> sheet, Rectangle bounds, string path)
    {
        using Image<Rgb24> part = sheet.Clone(ctx => ctx.Crop(bounds));
        part.SaveAsPng(path);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
