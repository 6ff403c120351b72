using System.Globalization;

namespace MixAug.Train;

/// <summary>A bad command line: the message is printed and the app exits with code 2.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>The parsed command line of the training sample.</summary>
internal sealed class TrainOptions
{
    public static readonly string[] Mixes = ["none", "mixup", "cutmix", "fmix", "saliencymix", "choice"];

    public const string Usage = """
        MixAug.Train: trains a small CNN on Fashion-MNIST with a MixAug mix and reports accuracy, loss and calibration.

        Options:
          --data DIR        folder with the four Fashion-MNIST IDX files (gzip-compressed or not); default: the folder in
                            the environment variable MIXAUG_FASHION_MNIST, else /usr/share/datasets/fashion-mnist
                            (Debian's dataset-fashion-mnist package). Where to get the files: docs/training.md
          --mix NAME        none|mixup|cutmix|fmix|saliencymix|choice (mixup or cutmix, 50/50) (default: none)
          --epochs N        epochs (default: 10)
          --seed N          seed of initial weights, shuffling, dropout and mixing (default: 1)
          --limit N         train on the first N training images only
          --batch-size N    batch size (default: 128)
          --lr X            Adam learning rate (default: 0.001)
          --json FILE       per-epoch train loss, test accuracy, test loss, ECE and seconds
          --plot DIR        PNG plots of the curves: MIX-accuracy.png, MIX-ece.png, MIX-loss.png
          --compare         train every mix in turn with the same seed; writes compare.md and compare-accuracy.png,
                            compare-ece.png, compare-loss.png to --plot DIR (or .)
          --help            this text
        """;

    public string? Data { get; set; }

    public string Mix { get; set; } = "none";

    public int Epochs { get; set; } = 10;

    public ulong Seed { get; set; } = 1;

    public int? Limit { get; set; }

    public int BatchSize { get; set; } = 128;

    public double LearningRate { get; set; } = 1e-3;

    public string? Json { get; set; }

    public string? Plot { get; set; }

    public bool Compare { get; set; }

    public bool Help { get; set; }

    public static TrainOptions Parse(IReadOnlyList<string> args)
    {
        var o = new TrainOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string name = args[i];
            if (name is "--help" or "-h")
            {
                o.Help = true;
                continue;
            }

            if (name == "--compare")
            {
                o.Compare = true;
                continue;
            }

            if (i + 1 >= args.Count)
            {
                throw new UsageException($"{name} needs a value.");
            }

            string value = args[++i];
            switch (name)
            {
                case "--data": o.Data = value; break;
                case "--mix":
                    o.Mix = Mixes.Contains(value) ? value : throw new UsageException($"--mix must be one of {string.Join(", ", Mixes)}; it was '{value}'.");
                    break;
                case "--epochs": o.Epochs = Int(name, value, 1, 1000); break;
                case "--seed": o.Seed = ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s) ? s : throw new UsageException($"--seed must be an unsigned 64-bit integer; it was '{value}'."); break;
                case "--limit": o.Limit = Int(name, value, 1, int.MaxValue); break;
                case "--batch-size": o.BatchSize = Int(name, value, 1, 65536); break;
                case "--lr":
                    o.LearningRate = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double lr) && lr > 0 && double.IsFinite(lr)
                        ? lr
                        : throw new UsageException($"--lr must be a finite number greater than 0; it was '{value}'.");
                    break;
                case "--json": o.Json = value; break;
                case "--plot": o.Plot = value; break;
                default: throw new UsageException($"Unknown option '{name}'; see --help.");
            }
        }

        return o;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max
            ? n
            : throw new UsageException($"{name} must be an integer in [{min}, {max}]; it was '{value}'.");
}
