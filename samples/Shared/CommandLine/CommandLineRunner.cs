using System.CommandLine;
using System.CommandLine.Parsing;

namespace MixAug.Samples.CommandLine;

/// <summary>
/// Runs a System.CommandLine root command with the samples' conventions: help and completion as System.CommandLine gives
/// them; a parse error or a <see cref="UsageException"/> is one line on stderr, <c>error: MESSAGE</c>, and exit code
/// <see cref="BadArguments"/> (System.CommandLine's own error output adds the whole help text and exits with 1, which
/// the samples keep for failures of the work itself).
/// </summary>
internal static class CommandLineRunner
{
    /// <summary>Exit code of a bad command line.</summary>
    public const int BadArguments = 2;

    /// <summary>Parses <paramref name="args"/> and runs the command's action (or help, or completions).</summary>
    /// <param name="root">The command, with its action set.</param>
    /// <param name="args">The arguments.</param>
    /// <param name="stdout">Where help and results go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <returns>The exit code.</returns>
    public static int Run(RootCommand root, IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ParseResult parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Several errors usually follow from one mistake ("--seed --out x": --seed takes "--out" as its value, then
            // "x" is left over), so one is shown: an option's own error first, as it names the option and the value.
            ParseError first = parse.Errors.OrderBy(e => e.SymbolResult is CommandResult ? 1 : 0).First();
            string more = parse.Errors.Count > 1 ? $" ({parse.Errors.Count - 1} more after it)" : string.Empty;
            stderr.WriteLine($"error: {first.Message}{more} Run with --help for the options.");
            return BadArguments;
        }

        try
        {
            // No process-termination handling: the apps' own Ctrl+C handlers stop their work between steps.
            return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return BadArguments;
        }
    }
}
