namespace MixAug.ImageSharp.Drawing;

/// <summary>Fits text into a number of characters of the bitmap font: word wrapping for titles, middle truncation for
/// file names (whose start and end say the most: "IMG_2023~0412" rather than "IMG_2023_0").</summary>
internal static class TextFit
{
    /// <summary>The mark that stands for the characters a shortened name leaves out.</summary>
    public const char Ellipsis = '~';

    /// <summary>How many glyphs fit in <paramref name="width"/> pixels at <paramref name="scale"/>.</summary>
    public static int Characters(int width, int scale) => Math.Max(0, (width + scale) / (BitmapFont.Advance * scale));

    /// <summary>
    /// <paramref name="name"/> in at most <paramref name="max"/> characters: as it is if it fits, else without its
    /// extension, else its start and end around <see cref="Ellipsis"/> (the end gets the extra character, as numbered
    /// files differ at the end).
    /// </summary>
    public static string Shorten(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        string stem = Path.GetExtension(name) is { Length: > 0 } extension ? name[..^extension.Length] : name;
        if (stem.Length <= max)
        {
            return stem;
        }

        if (max < 3)
        {
            return stem[..Math.Max(0, max)];
        }

        int head = (max - 1) / 2;
        int tail = max - 1 - head;
        return string.Concat(stem.AsSpan(0, head), Ellipsis.ToString(), stem.AsSpan(stem.Length - tail));
    }

    /// <summary>
    /// Greedy wrap into lines of at most <paramref name="max"/> characters. Runs of two or more spaces separate groups
    /// ("mixup  alpha 1  p 1") that stay on one line when they fit, so "seed 42" is never split; a group longer than a
    /// line wraps by words, and a word longer than a line is cut.
    /// </summary>
    public static IReadOnlyList<string> Wrap(string text, int max)
    {
        max = Math.Max(1, max);
        var lines = new List<string>();
        string line = string.Empty;
        foreach (string group in System.Text.RegularExpressions.Regex.Split(text.Trim(), " {2,}"))
        {
            string joined = line.Length == 0 ? group : line + "  " + group;
            if (joined.Length <= max)
            {
                line = joined;
                continue;
            }

            if (line.Length > 0)
            {
                lines.Add(line);
                line = string.Empty;
            }

            foreach (string word in group.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                string rest = word;
                while (rest.Length > 0)
                {
                    string candidate = line.Length == 0 ? rest : line + " " + rest;
                    if (candidate.Length <= max)
                    {
                        line = candidate;
                        rest = string.Empty;
                    }
                    else if (line.Length > 0)
                    {
                        lines.Add(line);
                        line = string.Empty;
                    }
                    else
                    {
                        lines.Add(rest[..max]);
                        rest = rest[max..];
                    }
                }
            }
        }

        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line);
        }

        return lines;
    }
}
