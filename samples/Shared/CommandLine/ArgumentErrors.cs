using System.Text.RegularExpressions;

namespace MixAug.Samples.CommandLine;

/// <summary>
/// Turns a library's <see cref="ArgumentException"/> into one line in the command line's terms: the .NET suffixes
/// (<c> (Parameter 'alpha')</c>, <c>Actual value was 0.</c>) go, and C# parameter names and enum names become the options
/// a user typed (<c>minRatio</c> → <c>--min-ratio</c>, <c>LambdaMode.Pair</c> → <c>--mode pair</c>).
/// </summary>
internal sealed class ArgumentErrors
{
    private readonly Dictionary<string, string> _terms;
    private readonly Regex _pattern;

    /// <summary>Creates the translation.</summary>
    /// <param name="terms">Library word or phrase → what the user typed; matched as whole words, longest first.</param>
    public ArgumentErrors(IReadOnlyDictionary<string, string> terms)
    {
        _terms = new Dictionary<string, string>(terms, StringComparer.Ordinal);
        string alternatives = string.Join('|', terms.Keys.OrderByDescending(k => k.Length).Select(Regex.Escape));
        _pattern = new Regex($@"(?<![\w.-])(?:{alternatives})(?![\w])", RegexOptions.CultureInvariant);
    }

    /// <summary>The exception's own sentence, first line only, without the " (Parameter 'name')" that .NET appends.</summary>
    public static string Sentence(ArgumentException e)
    {
        string message = e.Message;
        int newline = message.IndexOfAny(['\r', '\n']);
        if (newline >= 0)
        {
            message = message[..newline];
        }

        return e.ParamName is null ? message : message.Replace($" (Parameter '{e.ParamName}')", string.Empty, StringComparison.Ordinal);
    }

    /// <summary>The message in option terms, on one line.</summary>
    public string InOptionTerms(ArgumentException e) => _pattern.Replace(Sentence(e), m => _terms[m.Value]);
}
