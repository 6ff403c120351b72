using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using MixAug.Samples.CommandLine;
using MixAug.Transforms;
using MixAug.Train.Data;
using TorchSharp;

namespace MixAug.Train.Segmentation;

/// <summary>
/// <c>segment</c>: trains <see cref="SmallFcn"/> on Fashion-MNIST class maps (<see cref="GarmentMaps"/>) with or without a
/// mix applied to the images and the maps alike, and reports mean IoU and pixel accuracy on the test set per epoch.
/// </summary>
internal sealed class SegmentCommand
{
    /// <summary>The mixes the task accepts: those whose plans the class maps can follow.</summary>
    public static readonly string[] Mixes = ["none", "mixup", "cutmix", "fmix", "saliencymix", "transplant"];

    private readonly Option<string?> _data = SharedOptions.Data();

    private readonly Option<string> _mix = new Option<string>("--mix")
    {
        Description = "none, mixup, cutmix, fmix or saliencymix (the settings of the classification runs), or transplant (Transplantation: the partner's garment pasted, background excluded) [default: none]",
    }.OneOf(Mixes.Select(m => (m, m)).ToArray());

    private readonly Option<int> _epochs = SharedOptions.Epochs();

    private readonly Option<ulong> _seed = SharedOptions.Seed("the weights, shuffling and mixing");

    private readonly Option<int?> _limit = SharedOptions.Limit();

    private readonly Option<string?> _json = SharedOptions.Json("per-epoch train loss, mean IoU, pixel accuracy and seconds");

    public SegmentCommand(TextWriter stdout, TextWriter stderr)
    {
        Command = new Command("segment", "Segmentation: per-pixel classes (background, or the garment's class) with a small fully convolutional net; mean IoU on the test set")
        {
            _data, _mix, _epochs, _seed, _limit, _json,
        };
        Command.SetAction(parse => Run(
            parse.GetValue(_data), parse.GetValue(_mix) ?? "none", parse.GetValue(_epochs), parse.GetValue(_seed), parse.GetValue(_limit), parse.GetValue(_json), stdout, stderr));
    }

    /// <summary>The subcommand.</summary>
    public Command Command { get; }

    private static int Run(string? folder, string mix, int epochs, ulong seed, int? limit, string? json, TextWriter stdout, TextWriter stderr)
    {
        FashionMnist? data = TrainApp.TryLoad(folder, limit, stderr);
        if (data is null)
        {
            return CommandLineRunner.BadArguments;
        }

        torch.set_num_threads(Environment.ProcessorCount);
        stdout.WriteLine($"Fashion-MNIST segmentation ({GarmentMaps.ClassCount} classes, garment at pixel >= {GarmentMaps.Threshold}): {data.Train.Count} training and {data.Test.Count} test images; {TrainApp.Plural(epochs, "epoch")}, batch 128, seed {seed}.");
        IReadOnlyList<SegmentationEpoch> results = SegmentationTrainer.Run(
            mix == "transplant" ? new Transplantation(excludedClasses: [0]) : TrainApp.Transform(mix), data, epochs, batchSize: 128, learningRate: 1e-3, seed, e => stdout.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"segment {mix} epoch {e.Epoch}/{epochs}: train loss {e.TrainLoss:F4}, mean IoU {e.MeanIoU:P2}, pixel accuracy {e.PixelAccuracy:P2}, {e.Seconds:F1} s")));
        if (json is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(json))!);
            File.WriteAllText(json, JsonSerializer.Serialize(
                new { task = "segmentation", mix, seed, epochs = results.Select(e => new { epoch = e.Epoch, trainLoss = e.TrainLoss, meanIoU = e.MeanIoU, pixelAccuracy = e.PixelAccuracy, seconds = e.Seconds }) },
                new JsonSerializerOptions { WriteIndented = true }));
            stdout.WriteLine($"wrote {json}");
        }

        return 0;
    }
}
