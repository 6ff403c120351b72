using System.Globalization;
using System.Net;
using System.Text;
using MixAug.ImageSharp.Drawing;
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
            .bar .a { background: #f28e2b; } .bar .b { background: #4e79a7; }
            figcaption { font-size: 0.85em; margin-top: 6px; line-height: 1.4; }
            a { color: #8ab4f8; }
            </style>
            </head>
            <body>
            <h1>MixAug preview</h1>

            """);
        html.Append(CultureInfo.InvariantCulture, $"<p class=\"params\">seed {options.Seed}, {batch.Shape.BatchSize} samples of {batch.Shape.Width}x{batch.Shape.Height}; images: {Encode(string.Join(", ", batch.Names.Distinct()))}</p>\n");

        foreach (MethodPreview preview in previews)
        {
            string name = preview.Method.Name;
            string folder = Path.Combine(directory, name);
            Directory.CreateDirectory(folder);
            preview.Sheet.SaveAsPng(Path.Combine(folder, "sheet.png"));
            html.Append(CultureInfo.InvariantCulture, $"<section id=\"{name}\">\n<h2>{Encode(preview.Plan.TransformName)}</h2>\n");
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"params\">{Encode(preview.Description)} &middot; <a href=\"{name}/sheet.png\">contact sheet</a></p>\n<div class=\"tiles\">\n");
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
        int partner = plan.Partners[i];
        double lambda = plan.Lambdas[i];
        string prefix = $"tile{i:D2}";
        Save(preview.Sheet, layout.MixedBounds(i), Path.Combine(folder, prefix + "-mixed.png"));
        Save(preview.Sheet, layout.SelfBounds(i), Path.Combine(folder, prefix + "-self.png"));
        Save(preview.Sheet, layout.PartnerBounds(i), Path.Combine(folder, prefix + "-partner.png"));
        Save(preview.Sheet, layout.RegionBounds(i), Path.Combine(folder, prefix + "-region.png"));

        string l = lambda.ToString("0.000", CultureInfo.InvariantCulture);
        string rest = (1 - lambda).ToString("0.000", CultureInfo.InvariantCulture);
        string pct = (lambda * 100).ToString("0.0", CultureInfo.InvariantCulture);
        html.Append(CultureInfo.InvariantCulture, $"""
            <figure>
            <img src="{name}/{prefix}-mixed.png" width="{layout.SampleWidth}" height="{layout.SampleHeight}" alt="mixed sample {i}">
            <div class="sources"><img class="self" src="{name}/{prefix}-self.png" alt="sample {i}" title="{Encode(batch.Names[i])}"><img class="partner" src="{name}/{prefix}-partner.png" alt="partner {partner}" title="{Encode(batch.Names[partner])}"><img src="{name}/{prefix}-region.png" alt="region"></div>
            <div class="bar"><div class="a" style="width:{pct}%"></div><div class="b" style="flex:1"></div></div>
            <figcaption>λ = {l} &middot; #{i} + #{partner}<br>target = {l}&middot;y{i} + {rest}&middot;y{partner}<br>{Encode(plan.Regions[i].ToString() ?? string.Empty)}</figcaption>
            </figure>

            """);
    }

    private static void Save(Image<Rgb24> sheet, Rectangle bounds, string path)
    {
        using Image<Rgb24> part = sheet.Clone(ctx => ctx.Crop(bounds));
        part.SaveAsPng(path);
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
