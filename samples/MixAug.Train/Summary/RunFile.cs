using System.Text.Json;
using MixAug.Samples.CommandLine;

namespace MixAug.Train.Summary;

/// <summary>One epoch's numbers as a --json file holds them.</summary>
internal sealed record EpochNumbers(int Epoch, double TrainLoss, double TestAccuracy, double TestLoss, double Ece, double Seconds);

/// <summary>One run (a mix, a seed, its epochs) read back from a file written by <c>--json</c> without --compare.</summary>
internal sealed record RunFile(string Path, string Mix, ulong Seed, IReadOnlyList<EpochNumbers> Epochs)
{
    /// <summary>Reads a single-mix --json file; a malformed one is a <see cref="UsageException"/> naming the file.</summary>
    public static RunFile Read(string path)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"{path}: expected the JSON object of one run (--json without --compare), found {root.ValueKind}.");
            }

            string mix = root.GetProperty("mix").GetString() ?? string.Empty;
            ulong seed = root.GetProperty("seed").GetUInt64();
            var epochs = root.GetProperty("epochs").EnumerateArray().Select(e => new EpochNumbers(
                e.GetProperty("epoch").GetInt32(),
                e.GetProperty("trainLoss").GetDouble(),
                e.GetProperty("testAccuracy").GetDouble(),
                e.GetProperty("testLoss").GetDouble(),
                e.GetProperty("ece").GetDouble(),
                e.GetProperty("seconds").GetDouble())).ToArray();
            if (epochs.Length == 0)
            {
                throw new UsageException($"{path}: the run has no epochs.");
            }

            return new RunFile(path, mix, seed, epochs);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new UsageException($"{path}: not a training run's --json file ({e.Message})");
        }
        catch (IOException e)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
    }
}
