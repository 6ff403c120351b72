using System.Globalization;

namespace MixAug.DataLoading;

/// <summary>The command line of the sample: <c>MixAug.DataLoading ROOT [EPOCHS]</c>.</summary>
public static class DataLoadingApp
{
    /// <summary>The four files TorchSharp's FashionMNIST reads, under ROOT.</summary>
    public static readonly string[] Files =
    [
        "fashion-mnist/test_data/train-images-idx3-ubyte",
        "fashion-mnist/test_data/train-labels-idx1-ubyte",
        "fashion-mnist/test_data/t10k-images-idx3-ubyte",
        "fashion-mnist/test_data/t10k-labels-idx1-ubyte",
    ];

    /// <summary>Runs the sample.</summary>
    /// <param name="args">ROOT and, optionally, the number of epochs (default 2).</param>
    /// <param name="stdout">Where the results go.</param>
    /// <param name="stderr">Where usage errors go.</param>
    /// <returns>0 on success, 2 for a usage error or missing files.</returns>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        int epochs = 2;
        if (args.Length is < 1 or > 2 || (args.Length == 2 && (!int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out epochs) || epochs < 1)))
        {
            stderr.WriteLine("usage: MixAug.DataLoading ROOT [EPOCHS]   (ROOT holds " + string.Join(", ", Files) + "; EPOCHS is a positive integer, default 2)");
            return 2;
        }

        string root = args[0];
        string[] missing = [.. Files.Where(f => !File.Exists(Path.Combine(root, f)))];
        if (missing.Length > 0)
        {
            // TorchSharp's dataset reads these uncompressed files and decompresses nothing when download is false.
            stderr.WriteLine($"error: '{root}' lacks {string.Join(", ", missing)}. Fashion-MNIST ships these as .gz files: gunzip them into {Path.Combine(root, "fashion-mnist", "test_data")}.");
            return 2;
        }

        TrainingResult result = FashionMnistMixing.Train(root, epochs);
        for (int e = 0; e < result.EpochLosses.Length; e++)
        {
            stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {e}: mean loss {result.EpochLosses[e]:F4}"));
        }

        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"test accuracy {result.TestAccuracy:P2}; {result.Plans.Count} mixed {(result.Plans.Count == 1 ? "batch" : "batches")}"));
        stdout.WriteLine($"last plan ({result.Plans[^1].Plan}): {result.Plans[^1].ToJson().Length} characters of JSON");
        return 0;
    }
}
