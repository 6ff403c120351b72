using System.Globalization;
using MixAug.Labels;
using MixAug.Planning;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace MixAug.ImageSharp.Drawing;

/// <summary>
/// Draws a mixed sample's dense targets at the sample's size: its mixed label map as class colours blended half over
/// the mixed pixels, and its mixed detection boxes as one-pixel outlines in their class colour with their weight
/// printed inside the top-left corner. The mixed pixels themselves stay in the contact sheet's tile; this is a
/// separate panel.
/// </summary>
/// <remarks>Every pixel not under an outline or a weight is <c>(mixed + <see cref="ClassColor"/>(class)) / 2</c> per
/// channel, rounded down, so the map can be read back from the panel exactly. Integer arithmetic and the built-in
/// font: the same inputs always give the same pixels.</remarks>
/// <threadsafety>Stateless; safe from any thread.</threadsafety>
public static class DenseTargetPanel
{
    // Class 0 (background) black, so the overlay only darkens it; then Tableau 10 from red, every colour but the
    // contact sheet's own orange and blue.
    private static readonly Rgb24[] Palette =
    [
        new(0, 0, 0), new(225, 87, 89), new(89, 161, 79), new(237, 201, 72), new(176, 122, 161), new(118, 183, 178),
        new(255, 157, 167), new(156, 117, 95), new(186, 176, 172),
    ];

    /// <summary>The colour of a class in the overlay and of its boxes: class 0 (background) black, then eight colours
    /// repeating from class 9 on (class 9 is drawn like class 1).</summary>
    /// <param name="classIndex">The class, 0 or more.</param>
    /// <returns>The colour.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classIndex"/> is negative.</exception>
    public static Rgb24 ClassColor(int classIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(classIndex);
        return classIndex == 0 ? Palette[0] : Palette[1 + ((classIndex - 1) % (Palette.Length - 1))];
    }

    /// <summary>A box's weight as the panel prints it: two decimals (<c>0.62</c>, <c>1.00</c>).</summary>
    /// <param name="weight">The weight.</param>
    /// <returns>The text.</returns>
    public static string WeightText(float weight) => weight.ToString("0.00", CultureInfo.InvariantCulture);

    /// <summary>The pixels of a box's outline: the whole pixels its corners touch, <c>[⌊x0⌋, ⌈x1⌉) × [⌊y0⌋, ⌈y1⌉)</c>.</summary>
    /// <param name="corners">The box's <c>x0, y0, x1, y1</c>.</param>
    /// <returns>The rectangle whose border pixels are drawn.</returns>
    /// <exception cref="ArgumentException"><paramref name="corners"/> does not have four values.</exception>
    public static Rectangle OutlineBounds(ReadOnlySpan<float> corners)
    {
        if (corners.Length != 4)
        {
            throw new ArgumentException($"A box has four corners values (x0, y0, x1, y1); {corners.Length} were given.", nameof(corners));
        }

        int left = (int)MathF.Floor(corners[0]), top = (int)MathF.Floor(corners[1]);
        return Rectangle.FromLTRB(left, top, (int)MathF.Ceiling(corners[2]), (int)MathF.Ceiling(corners[3]));
    }

    /// <summary>Draws sample <paramref name="sample"/>'s panel.</summary>
    /// <param name="mixed">The mixed image batch, planar <c>[B, C, H, W]</c> with 1 or 3 channels.</param>
    /// <param name="shape">Its shape.</param>
    /// <param name="sample">The sample.</param>
    /// <param name="labelMaps">The mixed label maps, <c>[B, H, W]</c> class indices.</param>
    /// <param name="boxes">The sample's mixed boxes (from <see cref="BoxMixer"/>), inside the image.</param>
    /// <param name="textScale">Panel pixels per font pixel of the weights (1 to 8), as the sheet's <see cref="ContactSheetLayout.TextScale"/>.</param>
    /// <returns>A new W × H image; the caller disposes it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="boxes"/> is null.</exception>
    /// <exception cref="ArgumentException">A length does not fit the shape, the shape is not 1 or 3 channels of an
    /// image, or a box lies outside the image.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> or <paramref name="textScale"/> is out of range.</exception>
    public static Image<Rgb24> Draw(ReadOnlySpan<byte> mixed, BatchShape shape, int sample, ReadOnlySpan<byte> labelMaps, DetectionBoxes boxes, int textScale = 1)
    {
        ArgumentNullException.ThrowIfNull(boxes);
        ArgumentOutOfRangeException.ThrowIfLessThan(textScale, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(textScale, 8);
        if (shape.Spatial.Rank != 2 || shape.Channels is not (1 or 3))
        {
            throw new ArgumentException($"A dense panel shows image batches of 1 or 3 channels; the shape was {shape}.", nameof(shape));
        }

        if ((uint)sample >= (uint)shape.BatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must lie in [0, {shape.BatchSize}); it was {sample}.");
        }

        int w = shape.Width, h = shape.Height, plane = w * h;
        if (mixed.Length != shape.ElementCount)
        {
            throw new ArgumentException($"mixed has {mixed.Length} elements but a {shape} batch has {shape.ElementCount}.", nameof(mixed));
        }

        if (labelMaps.Length != (long)shape.BatchSize * plane)
        {
            throw new ArgumentException($"labelMaps has {labelMaps.Length} elements but {shape.BatchSize} maps of {h}x{w} have {(long)shape.BatchSize * plane}.", nameof(labelMaps));
        }

        ReadOnlySpan<float> corners = boxes.Corners;
        for (int b = 0; b < boxes.Count; b++)
        {
            if (corners[4 * b] < 0 || corners[(4 * b) + 1] < 0 || corners[(4 * b) + 2] > w || corners[(4 * b) + 3] > h)
            {
                throw new ArgumentException(
                    $"Box {b} is ({corners[4 * b]}, {corners[(4 * b) + 1]}, {corners[(4 * b) + 2]}, {corners[(4 * b) + 3]}), outside the {w}x{h} image.", nameof(boxes));
            }
        }

        var canvas = new PixelCanvas(w, h, ContactSheet.Background);
        int at = sample * shape.SampleSize;
        ReadOnlySpan<byte> map = labelMaps.Slice(sample * plane, plane);
        for (int e = 0; e < plane; e++)
        {
            Rgb24 c = ClassColor(map[e]);
            byte r = mixed[at + e];
            byte g = shape.Channels == 3 ? mixed[at + plane + e] : r;
            byte bl = shape.Channels == 3 ? mixed[at + (2 * plane) + e] : r;
            canvas.Pixels[e] = new Rgb24((byte)((r + c.R) / 2), (byte)((g + c.G) / 2), (byte)((bl + c.B) / 2));
        }

        var clip = new Rectangle(0, 0, w, h);
        for (int b = 0; b < boxes.Count; b++)
        {
            Rgb24 color = ClassColor(boxes.Classes[b]);
            Rectangle outline = OutlineBounds(corners.Slice(4 * b, 4));
            canvas.Outline(outline, color);
            canvas.Text(WeightText(boxes.Weights[b]), outline.X + 2, outline.Y + 2, color, textScale, Rectangle.Intersect(clip, outline));
        }

        return canvas.ToImage();
    }
}
