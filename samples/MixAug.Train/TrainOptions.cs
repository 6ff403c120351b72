using System.CommandLine;
using MixAug.Samples.CommandLine;

namespace MixAug.Train;

/// <summary>The parsed command line of the training sample.</summary>
internal sealed class TrainOptions
{
    public static readonly string[] Mixes = ["none", "mixup", "cutmix", "fmix", "saliencymix", "choice", "manifold", "gradsaliency", "deit", "transmix", "snapmix"];

    public static readonly string[] Models = ["cnn", "vit", "camcnn"];

    public static readonly string[] Optimizers = ["adam", "adamw", "sgd"];

    public string? Data { get; set; }

    public string Mix { get; set; } = "none";

    /// <summary>The model the command line named, or null for the mix's own (<see cref="TrainModels.DefaultFor"/>).</summary>
    public string? Model { get; set; }

    public int Epochs { get; set; } = 10;

    public ulong Seed { get; set; } = 1;

    public int? Limit { get; set; }

    public int BatchSize { get; set; } = 128;

    /// <summary>The optimizer: adam, adamw or sgd (MixAug.Training's kept-scalar twins of TorchSharp's).</summary>
    public string Optimizer { get; set; } = "adam";

    /// <summary>The learning rate; null for the optimizer's default (<see cref="DefaultLearningRate"/>).</summary>
    public double? LearningRate { get; set; }

    /// <summary>The learning rate the run uses: the command line's, or 0.001 for Adam and AdamW and 0.05 for SGD.</summary>
    public double EffectiveLearningRate => LearningRate ?? DefaultLearningRate(Optimizer);

    /// <summary>The optimizer's default learning rate: 0.001 for Adam and AdamW, 0.05 for SGD with momentum.</summary>
    public static double DefaultLearningRate(string optimizer) => optimizer == "sgd" ? 0.05 : 1e-3;

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

    private readonly Option<string> _optimizer = new Option<string>("--optimizer")
    {
        Description = "The optimizer, TorchSharp's with its step's scalars kept alive: adam, adamw (weight decay 0.05, DeiT's) or sgd (momentum 0.9, Nesterov, weight decay 5e-4) [default: adam]",
    }.OneOf(TrainOptions.Optimizers.Select(o => (o, o)).ToArray());

    private readonly Option<double> _lr = new Option<double>("--lr")
    {
        HelpName = "X",
        Description = "Learning rate, > 0 [default: 0.001 for adam and adamw, 0.05 for sgd]",
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
            _data, _mix, _model, _epochs, _seed, _limit, _batchSize, _optimizer, _lr, _json, _plot, _compare,
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
        Optimizer = parse.GetValue(_optimizer) ?? "adam",
        LearningRate = parse.GetResult(_lr) is null ? null : parse.GetValue(_lr),
        Json = parse.GetValue(_json),
        Plot = parse.GetValue(_plot),
        Compare = parse.GetValue(_compare),
    };
}
