using MixAug.Cpu;
using MixAug.ImageSharp;
using MixAug.ImageSharp.Drawing;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Samples.CommandLine;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.Preview;

/// <summary>The app: parse, load, mix each method with its own generator seeded from --seed, draw, write.</summary>
internal static class PreviewApp
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadArguments = CommandLineRunner.BadArguments;

    /// <summary>The legend of the sheet and of the gallery: the tile's parts, then the abbreviations of the titles.</summary>
    public static IReadOnlyList<LegendEntry> Legend { get; } = [.. ContactSheetLegend.Tile, .. MethodRegistry.TitleLegend];

    /// <summary>What --dense adds under each method's tiles.</summary>
    public static IReadOnlyList<LegendEntry> DenseLegend { get; } =
    [
        new(LegendMark.None, "dense", "under each method's tiles (--dense): the mixed label map, class colours blended half over the mixed sample; background darkened"),
        new(LegendMark.None, "classes", "1 square red, 2 disc green, 3 triangle yellow, as overlay and box colours"),
        new(LegendMark.None, "outlines", "the mixed boxes (BoxMixer) in their class colour, their weight inside the top-left corner"),
    ];

    /// <summary>The legend for a run: <see cref="Legend"/>, and <see cref="DenseLegend"/> with --dense.</summary>
    public static IReadOnlyList<LegendEntry> LegendFor(PreviewOptions options) => options.Dense ? [.. Legend, .. DenseLegend] : Legend;

    /// <summary>The folder of sample images copied next to the app on build.</summary>
    public static string DefaultImages => Path.Combine(AppContext.BaseDirectory, "images");

    /// <summary>Runs the app.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="stdout">Help and what was written.</param>
    /// <param name="stderr">Errors, warnings, and the progress line.</param>
    /// <param name="showProgress">Whether to draw a progress line while loading (a terminal, not a redirected stream).</param>
    /// <returns>The exit code.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, bool showProgress = false)
    {
        var command = new PreviewCommand();
        command.Root.SetAction(parse =>
        {
            PreviewOptions options = command.Bind(parse);
            IReadOnlyList<PreviewMethod> methods = MethodRegistry.Resolve(options);
            if (options.Dense && options.Images is not null)
            {
                throw new UsageException("--dense mixes its own synthetic scenes, whose masks and boxes are exact; it does not take --images.");
            }

            try
            {
                return Render(options, methods, stdout, stderr, showProgress);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or MixAugImageException)
            {
                // Output or input problems after the arguments were accepted: report them plainly, no stack trace.
                stderr.WriteLine($"error: {e.Message}");
                return Failure;
            }
        });
        return CommandLineRunner.Run(command.Root, args, stdout, stderr);
    }

    private static int Render(PreviewOptions options, IReadOnlyList<PreviewMethod> methods, TextWriter stdout, TextWriter stderr, bool showProgress)
    {
        if (options.Dense)
        {
            (PreviewBatch scenes, byte[] maps, DetectionBoxes[] boxes) = SyntheticScenes.Generate(options.Count ?? PreviewCommand.DefaultCount, options.Size, options.Seed);
            PreviewBatch batch = scenes with { Targets = new SceneTargets(maps, boxes) };
            return Write(options, methods, batch, $"drew {batch.Shape.BatchSize} synthetic scenes with label maps and boxes (seed {options.Seed})", stdout);
        }

        string folder = options.Images ?? DefaultImages;
        if (!Directory.Exists(folder))
        {
            stderr.WriteLine($"error: the image folder '{folder}' does not exist.");
            return options.Images is null ? Failure : BadArguments;
        }

        // Only a seeded sample of the folder is opened, each image reduced to the tile size as soon as it is decoded,
        // so a folder of thousands of photographs costs what --count of them cost.
        var loader = new SafeImageLoader();
        var request = new FolderSampleRequest(options.Count ?? PreviewCommand.DefaultCount, options.Seed, options.Size, options.Size);
        using var progress = new ProgressLine(showProgress ? stderr : null, folder);
        using FolderSample sample = loader.SampleFolder(folder, request, progress);
        progress.Finish();
        foreach (MixAugImageException failure in sample.Failures)
        {
            stderr.WriteLine($"warning: skipped {failure.Message}");
        }

        if (sample.StoppedByFailures)
        {
            stderr.WriteLine($"warning: stopped after {sample.Failures.Count} files failed; {sample.Images.Count} of the {request.Count} images asked for were loaded.");
        }

        if (sample.Images.Count == 0)
        {
            stderr.WriteLine($"error: no PNG or JPEG image could be loaded from '{folder}' ({sample.FilesFound} image files found, {sample.Failures.Count} tried and failed).");
            return Failure;
        }

        return Write(options, methods, BuildBatch(sample, options), $"sampled {sample.Images.Count} of {sample.FilesFound} image files in {folder} (seed {options.Seed})", stdout);
    }

    private static int Write(PreviewOptions options, IReadOnlyList<PreviewMethod> methods, PreviewBatch batch, string source, TextWriter stdout)
    {
        var previews = new List<MethodPreview>();
        try
        {
            foreach (PreviewMethod method in methods)
            {
                previews.Add(Mix(method, options, batch));
            }

            string? outDir = Path.GetDirectoryName(Path.GetFullPath(options.Out));
            Directory.CreateDirectory(outDir!);
            // One legend under all the methods' sheets: what every part of a tile means and what the titles abbreviate.
            int scale = previews[0].Layout.TextScale;
            int width = Math.Max(previews.Max(p => p.Sheet.Width), ContactSheetLegend.MinimumWidth(scale));
            using (Image<Rgb24> legend = ContactSheetLegend.Draw(LegendFor(options), width, scale))
            using (Image<Rgb24> sheet = ContactSheet.Stack([.. previews.SelectMany(p => p.Dense is null ? [p.Sheet] : new[] { p.Sheet, p.Dense.Band }), legend]))
            {
                sheet.SaveAsPng(options.Out);
            }

            stdout.WriteLine(source);
            foreach (MethodPreview refused in previews.Where(p => p.Dense?.Refusal is not null))
            {
                stdout.WriteLine($"{refused.Method.Name}: {refused.Dense!.Refusal}");
            }

            stdout.WriteLine($"wrote {options.Out} ({string.Join(", ", methods.Select(m => m.Name))}, {batch.Shape.BatchSize} tiles, seed {options.Seed})");
            if (options.Html is not null)
            {
                GalleryWriter.Write(options.Html, options, batch, previews);
                stdout.WriteLine($"wrote {Path.Combine(options.Html, "index.html")}");
            }
        }
        finally
        {
            previews.ForEach(p => p.Dispose());
        }

        return Success;
    }

    private static PreviewBatch BuildBatch(FolderSample sample, PreviewOptions options)
    {
        // --count tiles; without it, one per loaded image. Images repeat, in order, when fewer loaded than asked for.
        int count = options.Count ?? sample.Images.Count;
        var images = new Image<Rgb24>[count];
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            SampledImage image = sample.Images[i % sample.Images.Count];
            images[i] = image.Image;
            names[i] = image.RelativePath;
        }

        var format = new BatchFormat(options.Size, options.Size);
        return new PreviewBatch(format.ShapeFor(count), ImageBatch.ToBytes(images, format), names);
    }

    private static MethodPreview Mix(PreviewMethod method, PreviewOptions options, PreviewBatch batch)
    {
        // Each method draws from its own generator seeded with --seed, so a method's picture does not depend on
        // which other methods were drawn before it.
        MixPlan plan = method.CreatePlan(options, batch, new MixRandom(options.Seed));
        byte[] mixed = new byte[batch.Pixels.Length];
        CpuMixer.Apply(plan, batch.Pixels, mixed);
        string description = $"{method.Describe(options)}  seed {options.Seed}";
        int count = batch.Shape.BatchSize;

        // Rows of at most four tiles, but six or nine as a full 3-column grid rather than 4 + 2.
        int columns = count switch { <= 4 => count, 6 or 9 => 3, _ => 4 };
        Image<Rgb24> sheet = ContactSheet.Draw(plan, batch.Pixels, mixed, columns: columns, title: description, sourceNames: batch.Names);
        var layout = new ContactSheetLayout(batch.Shape.Width, batch.Shape.Height, count, columns, description, sourceNames: true);
        DenseView? dense = batch.Targets is null ? null : DenseView.Create(plan, batch, batch.Targets, mixed, layout);
        return new MethodPreview(method, description, plan, mixed, sheet, layout, dense);
    }
}
