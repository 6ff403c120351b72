using System.CommandLine;
using MixAug.Samples.CommandLine;

namespace MixAug.Train.Summary;

/// <summary>
/// <c>summarize FILE... [--out DIR]</c>: the mean and standard deviation over seeds of runs written by <c>--json</c>, as
/// a Markdown table (printed and written to summary.md) and curves with a ± one standard deviation band.
/// </summary>
internal sealed class SummarizeCommand
{
    private readonly Argument<string[]> _files = new("FILE")
    {
        Description = "--json files of single-mix runs (one per mix and seed)",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string?> _out = new Option<string?>("--out")
    {
        HelpName = "DIR",
        Description = "Folder for summary.md, summary-accuracy.png, summary-ece.png and summary-loss.png [default: the current folder]",
    }.NonEmpty();

    public SummarizeCommand(TextWriter stdout)
    {
        Command = new Command("summarize", "Mean ± standard deviation over seeds of --json runs: a table and curves") { _files, _out };
        Command.SetAction(parse => Run(parse.GetValue(_files)!, parse.GetValue(_out) ?? ".", stdout));
    }

    /// <summary>The subcommand.</summary>
    public Command Command { get; }

    private static int Run(string[] files, string dir, TextWriter stdout)
    {
        IReadOnlyList<MixSummary> mixes = MixSummary.Group(files.Select(RunFile.Read).ToArray(), TrainOptions.Mixes);
        Directory.CreateDirectory(dir);
        string table = SummaryTable.Write(mixes);
        stdout.Write(table);
        string path = Path.Combine(dir, "summary.md");
        File.WriteAllText(path, table);
        stdout.WriteLine($"wrote {path}");
        foreach (string file in SummaryPlots.Write(dir, mixes))
        {
            stdout.WriteLine($"wrote {file}");
        }

        return 0;
    }
}
