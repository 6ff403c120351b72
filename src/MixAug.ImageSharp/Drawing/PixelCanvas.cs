using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// A plain RGB pixel array with the few drawing operations previews need (fill, copy, outline, bitmap text). Working
/// on an array rather than through ImageSharp processors keeps every pixel predictable, so tests can compare tiles
/// with batch values exactly and the same plan gives a byte-identical PNG.
/// </summary>
internal sealed class PixelCanvas
{
    public PixelCanvas(int width, int height, Rgb24 background)
    {
        Width = width;
        Height = height;
        Pixels = new Rgb24[checked(width * height)];
        Pixels.AsSpan().Fill(background);
    }

    public int Width { get; }

    public int Height { get; }

    public Rgb24[] Pixels { get; }

    public void Set(int x, int y, Rgb24 color)
    {
        if ((uint)x < (uint)Width && (uint)y < (uint)Height)
        {
            Pixels[(y * Width) + x] = color;
        }
    }

    public void Fill(Rectangle area, Rgb24 color)
    {
        Rectangle r = Rectangle.Intersect(area, new Rectangle(0, 0, Width, Height));
        for (int y = r.Top; y < r.Bottom; y++)
        {
            Pixels.AsSpan((y * Width) + r.Left, r.Width).Fill(color);
        }
    }

    /// <summary>Draws a one-pixel outline just inside <paramref name="area"/>.</summary>
    public void Outline(Rectangle area, Rgb24 color)
    {
        Fill(new Rectangle(area.Left, area.Top, area.Width, 1), color);
        Fill(new Rectangle(area.Left, area.Bottom - 1, area.Width, 1), color);
        Fill(new Rectangle(area.Left, area.Top, 1, area.Height), color);
        Fill(new Rectangle(area.Right - 1, area.Top, 1, area.Height), color);
    }

    /// <summary>Copies a <paramref name="width"/> × <paramref name="height"/> block of pixels with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void Copy(ReadOnlySpan<Rgb24> source, int width, int height, int x, int y)
    {
        for (int row = 0; row < height; row++)
        {
            source.Slice(row * width, width).CopyTo(Pixels.AsSpan(((y + row) * Width) + x, width));
        }
    }

    /// <summary>Copies an image's pixels with its top-left corner at (<paramref name="x"/>, <paramref name="y"/>).</summary>
    public void Copy(Image<Rgb24> image, int x, int y)
    {
        // Row by row from the image's own buffers: no temporary copy of the whole image (a stacked sheet of 64 large
        // tiles is about 100 MB).
        image.ProcessPixelRows(rows =>
        {
            for (int row = 0; row < rows.Height; row++)
            {
                rows.GetRowSpan(row).CopyTo(Pixels.AsSpan(((y + row) * Width) + x, rows.Width));
            }
        });
    }

    /// <summary>Draws text with the built-in 5×7 font, each font pixel a <paramref name="scale"/> × <paramref name="scale"/> square, clipped to <paramref name="clip"/> so a long caption never spills into the next tile.</summary>
    public void Text(string text, int x, int y, Rgb24 color, int scale, Rectangle clip)
    {
        for (int i = 0; i < text.Length; i++)
        {
            int left = x + (i * BitmapFont.Advance * scale);
            for (int gy = 0; gy < BitmapFont.GlyphHeight; gy++)
            {
                for (int gx = 0; gx < BitmapFont.GlyphWidth; gx++)
                {
                    if (BitmapFont.IsSet(text[i], gx, gy))
                    {
                        Fill(Rectangle.Intersect(clip, new Rectangle(left + (gx * scale), y + (gy * scale), scale, scale)), color);
                    }
                }
            }
        }
    }

    /// <summary>An image over this canvas's pixel array, not a copy of it: the canvas must not be drawn on afterwards.</summary>
    public Image<Rgb24> ToImage() => Image.WrapMemory<Rgb24>(Pixels.AsMemory(), Width, Height);
}
