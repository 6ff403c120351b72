namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// A 5×7 pixel font built into the code, for the few words a contact sheet prints (λ, sample numbers, method names).
/// ImageSharp.Drawing and SixLabors.Fonts are not available to MixAug, and a tiny bitmap font also keeps previews
/// byte-identical on every machine (no font lookup, no anti-aliasing).
/// </summary>
/// <remarks>Covers digits, A–Z (lower case is drawn as upper case), λ and <c> .,:;=+-#()[]/%_'?&lt;&gt;</c>; any other character
/// is drawn as '?'.</remarks>
internal static class BitmapFont
{
    /// <summary>Glyph width in font pixels.</summary>
    public const int GlyphWidth = 5;

    /// <summary>Glyph height in font pixels.</summary>
    public const int GlyphHeight = 7;

    /// <summary>Horizontal distance from one glyph to the next, in font pixels (one blank column between glyphs).</summary>
    public const int Advance = GlyphWidth + 1;

    private static readonly Dictionary<char, ulong> Glyphs = Build();

    /// <summary>Width of <paramref name="text"/> in pixels at <paramref name="scale"/>, without the trailing gap.</summary>
    public static int MeasureWidth(string text, int scale) => text.Length == 0 ? 0 : ((text.Length * Advance) - 1) * scale;

    /// <summary>True when font pixel (<paramref name="x"/>, <paramref name="y"/>) of <paramref name="c"/> is set.</summary>
    public static bool IsSet(char c, int x, int y)
    {
        // Look the character up as it is first: upper-casing λ would give Λ, which the font does not have.
        ulong bits = Glyphs.TryGetValue(c, out ulong b) || Glyphs.TryGetValue(char.ToUpperInvariant(c), out b) ? b : Glyphs['?'];
        return ((bits >> ((y * GlyphWidth) + x)) & 1) != 0;
    }

    private static Dictionary<char, ulong> Build()
    {
        // Each glyph: 7 rows of 5 columns, '#' = ink. Packed into 35 bits, row-major, bit 0 = top-left.
        var rows = new Dictionary<char, string>
        {
            [' '] = ".....|.....|.....|.....|.....|.....|.....",
            ['0'] = ".###.|#...#|#..##|#.#.#|##..#|#...#|.###.",
            ['1'] = "..#..|.##..|..#..|..#..|..#..|..#..|.###.",
            ['2'] = ".###.|#...#|....#|...#.|..#..|.#...|#####",
            ['3'] = "#####|...#.|..#..|...#.|....#|#...#|.###.",
            ['4'] = "...#.|..##.|.#.#.|#..#.|#####|...#.|...#.",
            ['5'] = "#####|#....|####.|....#|....#|#...#|.###.",
            ['6'] = "..##.|.#...|#....|####.|#...#|#...#|.###.",
            ['7'] = "#####|....#|...#.|..#..|.#...|.#...|.#...",
            ['8'] = ".###.|#...#|#...#|.###.|#...#|#...#|.###.",
            ['9'] = ".###.|#...#|#...#|.####|....#|...#.|.##..",
            ['A'] = ".###.|#...#|#...#|#####|#...#|#...#|#...#",
            ['B'] = "####.|#...#|#...#|####.|#...#|#...#|####.",
            ['C'] = ".###.|#...#|#....|#....|#....|#...#|.###.",
            ['D'] = "###..|#..#.|#...#|#...#|#...#|#..#.|###..",
            ['E'] = "#####|#....|#....|####.|#....|#....|#####",
            ['F'] = "#####|#....|#....|####.|#....|#....|#....",
            ['G'] = ".###.|#...#|#....|#.###|#...#|#...#|.####",
            ['H'] = "#...#|#...#|#...#|#####|#...#|#...#|#...#",
            ['I'] = ".###.|..#..|..#..|..#..|..#..|..#..|.###.",
            ['J'] = "..###|...#.|...#.|...#.|...#.|#..#.|.##..",
            ['K'] = "#...#|#..#.|#.#..|##...|#.#..|#..#.|#...#",
            ['L'] = "#....|#....|#....|#....|#....|#....|#####",
            ['M'] = "#...#|##.##|#.#.#|#.#.#|#...#|#...#|#...#",
            ['N'] = "#...#|#...#|##..#|#.#.#|#..##|#...#|#...#",
            ['O'] = ".###.|#...#|#...#|#...#|#...#|#...#|.###.",
            ['P'] = "####.|#...#|#...#|####.|#....|#....|#....",
            ['Q'] = ".###.|#...#|#...#|#...#|#.#.#|#..#.|.##.#",
            ['R'] = "####.|#...#|#...#|####.|#.#..|#..#.|#...#",
            ['S'] = ".####|#....|#....|.###.|....#|....#|####.",
            ['T'] = "#####|..#..|..#..|..#..|..#..|..#..|..#..",
            ['U'] = "#...#|#...#|#...#|#...#|#...#|#...#|.###.",
            ['V'] = "#...#|#...#|#...#|#...#|#...#|.#.#.|..#..",
            ['W'] = "#...#|#...#|#...#|#.#.#|#.#.#|#.#.#|.#.#.",
            ['X'] = "#...#|#...#|.#.#.|..#..|.#.#.|#...#|#...#",
            ['Y'] = "#...#|#...#|.#.#.|..#..|..#..|..#..|..#..",
            ['Z'] = "#####|....#|...#.|..#..|.#...|#....|#####",
            ['λ'] = "#....|.#...|.#...|..#..|.#.#.|#...#|#...#",
            ['.'] = ".....|.....|.....|.....|.....|.##..|.##..",
            [','] = ".....|.....|.....|.....|.##..|..#..|.#...",
            [':'] = ".....|.##..|.##..|.....|.##..|.##..|.....",
            [';'] = ".....|.##..|.##..|.....|.##..|..#..|.#...",
            ['='] = ".....|.....|#####|.....|#####|.....|.....",
            ['+'] = ".....|..#..|..#..|#####|..#..|..#..|.....",
            ['-'] = ".....|.....|.....|#####|.....|.....|.....",
            ['#'] = ".#.#.|.#.#.|#####|.#.#.|#####|.#.#.|.#.#.",
            ['('] = "...#.|..#..|.#...|.#...|.#...|..#..|...#.",
            [')'] = ".#...|..#..|...#.|...#.|...#.|..#..|.#...",
            ['['] = ".###.|.#...|.#...|.#...|.#...|.#...|.###.",
            [']'] = ".###.|...#.|...#.|...#.|...#.|...#.|.###.",
            ['/'] = ".....|....#|...#.|..#..|.#...|#....|.....",
            ['%'] = "##...|##..#|...#.|..#..|.#...|#..##|...##",
            ['_'] = ".....|.....|.....|.....|.....|.....|#####",
            ['\''] = "..#..|..#..|.#...|.....|.....|.....|.....",
            ['?'] = ".###.|#...#|....#|...#.|..#..|.....|..#..",
            ['<'] = "...#.|..#..|.#...|#....|.#...|..#..|...#.",
            ['>'] = ".#...|..#..|...#.|....#|...#.|..#..|.#...",
        };

        var glyphs = new Dictionary<char, ulong>(rows.Count);
        foreach ((char c, string pattern) in rows)
        {
            string[] lines = pattern.Split('|');
            ulong bits = 0;
            for (int y = 0; y < GlyphHeight; y++)
            {
                for (int x = 0; x < GlyphWidth; x++)
                {
                    if (lines[y][x] == '#')
                    {
                        bits |= 1UL << ((y * GlyphWidth) + x);
                    }
                }
            }

            glyphs[c] = bits;
        }

        return glyphs;
    }
}
