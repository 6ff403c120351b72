using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace MixAug.Samples.CommandLine;

/// <summary>
/// Value parsers for System.CommandLine options whose errors name the option and the value on one line
/// (<c>--size must be an integer in [16, 1024]; it was '5'.</c>), where the library's own conversion error would name a
/// .NET type (<c>as expected type 'System.Nullable`1[System.Double]'</c>). Every parser reads the invariant culture, so
/// <c>0.5</c> means the same on every machine.
/// </summary>
internal static class OptionValues
{
    /// <summary>A finite number such as 0.8.</summary>
    public static Option<double?> FiniteNumber(this Option<double?> option)
    {
        option.CustomParser = result =>
            Parse(result, double.TryParse(Token(result), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d), d, "a finite number such as 0.8");
        return option;
    }

    /// <summary>A finite number greater than 0.</summary>
    public static Option<double> PositiveNumber(this Option<double> option)
    {
        option.CustomParser = result =>
            Parse(result, double.TryParse(Token(result), NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d) && d > 0, d, "a finite number greater than 0");
        return option;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], digits only.</summary>
    public static Option<int> IntegerIn(this Option<int> option, int min, int max)
    {
        option.CustomParser = result => ParseInteger(result, min, max) ?? 0;
        return option;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>], digits only; absent stays null.</summary>
    public static Option<int?> IntegerIn(this Option<int?> option, int min, int max)
    {
        option.CustomParser = result => ParseInteger(result, min, max);
        return option;
    }

    /// <summary>An unsigned 64-bit integer (a seed), digits only.</summary>
    public static Option<ulong> UnsignedInteger(this Option<ulong> option)
    {
        option.CustomParser = result =>
            Parse(result, ulong.TryParse(Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out ulong n), n, "an unsigned 64-bit integer");
        return option;
    }

    /// <summary>A non-empty text (a path).</summary>
    public static Option<string?> NonEmpty(this Option<string?> option)
    {
        option.CustomParser = result => Parse(result, !string.IsNullOrWhiteSpace(Token(result)), Token(result), "a non-empty value");
        return option;
    }

    /// <summary>One of a few names (compared without case), each standing for a value; the names are also the completions.</summary>
    /// <param name="option">The option.</param>
    /// <param name="choices">Name → value; several names may stand for one value (aliases), the first of each is shown.</param>
    public static Option<T> OneOf<T>(this Option<T> option, params (string Name, T Value)[] choices)
    {
        string[] shown = choices.DistinctBy(c => c.Value).Select(c => c.Name).ToArray();
        string list = shown.Length == 1 ? shown[0] : $"{string.Join(", ", shown[..^1])} or {shown[^1]}";
        option.CustomParser = result =>
        {
            string token = Token(result);
            foreach ((string name, T value) in choices)
            {
                if (string.Equals(name, token, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }

            result.AddError($"{OptionName(result)} must be {list}; it was '{token}'.");
            return default!;
        };
        // Replace the completions System.CommandLine derives from an enum type (its C# names) with the words one types.
        option.CompletionSources.Clear();
        option.CompletionSources.Add(shown);
        option.HelpName ??= string.Join('|', shown);
        return option;
    }

    /// <summary>The name of the option a value belongs to, as declared (not the alias typed).</summary>
    public static string OptionName(ArgumentResult result) =>
        result.Parent is OptionResult o ? o.Option.Name : result.Argument.Name;

    private static int? ParseInteger(ArgumentResult result, int min, int max) =>
        Parse(
            result,
            int.TryParse(Token(result), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n >= min && n <= max,
            (int?)n,
            $"an integer in [{min}, {max}]");

    private static T Parse<T>(ArgumentResult result, bool ok, T value, string what)
    {
        if (ok)
        {
            return value;
        }

        result.AddError($"{OptionName(result)} must be {what}; it was '{Token(result)}'.");
        return default!;
    }

    // The parser runs with exactly one token for a single-value option (arity checks come first).
    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : string.Empty;
}
