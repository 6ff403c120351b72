using System.CommandLine;
using MixAug.Samples.CommandLine;

namespace MixAug.Train;

/// <summary>The parsed command line of the training sample.</summary>
internal sealed class TrainOptions
{
    public static readonly string[] Mixes = ["none", "mixup", "cutmix", "fmix", "saliencymix", "choice", "manifold", "gradsaliency", "deit", "transmix", "snapmix"];

    public static readonly string[] Models = ["cnn", "vit", "camcnn"];

    public string? Data { get; set; }

    public string Mix { get; set; } = "none";

    /// <summary>The model the command line named, or null for the mix's own (<see cref="TrainModels.DefaultFor"/>).</summary>
    public string? Model { get; set; }

    public int Epochs { get; set; } = 10;

    public ulong Seed { get; set; } = 1;

    public int? Limit { get; set; }

    public int BatchSize { get; set; } = 128;

    public double LearningRate { get; set; } = 1e-3;

    public string? Json { get; set; }

    public string? Plot { get; set; }

    public bool Compare { get; set; }
}

/// <summary>The training sample's command line, declared for System.CommandLine (help, parse errors, completions), and
/// its binding to <see cref="TrainOptions"/>.</summary>
internal sealed class TrainCommand
{
    private readonly Option<string?> _data = SharedOptions.Data();

    private readonly Option<string> _mix = new Option<string>("--mix")
    {
        Description = "The mix: none, mixup, cutmix, fmix, saliencymix, choice (mixup or cutmix, 50/50), manifold (Manifold Mixup at the input, after either pooling or the hidden linear layer), gradsaliency (SaliencyMix on the input gradient's saliency, one extra pass per step), deit (Mixup α 0.8 or CutMix α 1, one per batch, area labels: DeiT's recipe and TransMix's baseline; the ViT by default), transmix (the same mixes, labels weighted by the ViT's class-token attention; needs --model vit), or snapmix (CutMix, labels weighted by class activation maps, one extra pass per step; needs --model camcnn) [default: none]",
    }.OneOf(TrainOptions.Mixes.Select(m => (m, m)).ToArray());

    private readonly Option<string?> _model = new Option<string?>("--model")
    {
        Description = "The model: cnn (two conv blocks and two linear layers), vit (a tiny vision transformer, 4x4 patches, 3 blocks) or camcnn (three conv blocks, global average pooling, one linear layer) [default: vit for transmix, camcnn for snapmix, cnn otherwise]",
    }.OneOf(TrainOptions.Models.Select(m => (m, (string?)m)).ToArray());

    private readonly Option<int> _epochs = SharedOptions.Epochs();

    private readonly Option<ulong> _seed = SharedOptions.Seed("the initial weights, shuffling, dropout and mixing");

    private readonly Option<int?> _limit = SharedOptions.Limit();

    private readonly Option<int> _batchSize = new Option<int>("--batch-size")
    {
        HelpName = "N",
        Description = "Batch size, 1..65536",
        DefaultValueFactory = _ => 128,
    }.IntegerIn(1, 65536);

    private readonly Option<double> _lr = new Option<double>("--lr")
    {
        HelpName = "X",
        Description = "Adam learning rate, > 0",
        DefaultValueFactory = _ => 1e-3,
    }.PositiveNumber();

    private readonly Option<string?> _json = SharedOptions.Json(
        "the mix, the model, and per-epoch train loss, train accuracy (mixed samples counted by their sources' weights), test accuracy, test loss, ECE and seconds");

    private readonly Option<string?> _plot = new Option<string?>("--plot")
    {
        HelpName = "DIR",
        Description = "Write PNG plots of the curves: MIX-accuracy.png, MIX-ece.png, MIX-loss.png",
    }.NonEmpty();

    // Arity zero: "--compare yes" is then an unmatched "yes", not a conversion error naming System.Boolean.
    private readonly Option<bool> _compare = new("--compare")
    {
        Arity = ArgumentArity.Zero,
        Description = "Train every mix that fits the model (--model, default cnn) in turn with the same seed; writes compare.md, compare-accuracy.png, compare-ece.png "
            + "and compare-loss.png to the --plot DIR (or the current folder)",
    };

    public TrainCommand()
    {
        Root = new RootCommand(
            "MixAug.Train: trains a small CNN on Fashion-MNIST with a MixAug mix and reports accuracy, loss and calibration. "
            + "Exit codes: 0 success, 1 nothing trained, 2 bad arguments or data.")
        {
            _data, _mix, _model, _epochs, _seed, _limit, _batchSize, _lr, _json, _plot, _compare,
        };
    }

    /// <summary>The command; its action is set by the app.</summary>
    public RootCommand Root { get; }

    /// <summary>The options a parse result holds.</summary>
    public TrainOptions Bind(ParseResult parse) => new()
    {
        Data = parse.GetValue(_data),
        Mix = parse.GetValue(_mix) ?? "none",
        Model = parse.GetValue(_model),
        Epochs = parse.GetValue(_epochs),
        Seed = parse.GetValue(_seed),
        Limit = parse.GetValue(_limit),
        BatchSize = parse.GetValue(_batchSize),
        LearningRate = parse.GetValue(_lr),
        Json = parse.GetValue(_json),
        Plot = parse.GetValue(_plot),
        Compare = parse.GetValue(_compare),
    };
}
