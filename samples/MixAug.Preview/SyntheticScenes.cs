using MixAug.ImageSharp;
using MixAug.Labels;
using MixAug.Randomness;

namespace MixAug.Preview;

/// <summary>
/// Synthetic scenes with dense targets, drawn in memory at any size, so the preview needs no downloaded data set and no
/// licence: a textured background (class 0) and, in some of the four quadrants, one object each, a square (class 1),
/// a disc (2) or a triangle (3), filled with a shaded texture of its own colour. Objects never overlap, so each
/// object's box is the bounding box of its pixels in the label map: the masks and the boxes are exact by construction.
/// </summary>
internal static class SyntheticScenes
{
    /// <summary>Class names by index, for the gallery and the legend.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = ["background", "square", "disc", "triangle"];

    // The fill of each object class (darker and duller than the overlay colours, so the overlay shows): a base colour
    // the shading multiplies.
    private static readonly (int R, int G, int B)[] Fills = [(0, 0, 0), (200, 70, 60), (60, 160, 80), (220, 190, 60)];

    /// <summary>Draws <paramref name="count"/> scenes of <paramref name="size"/>² pixels from <paramref name="seed"/>.</summary>
    /// <returns>The batch (planar uint8, three channels), the label maps <c>[B, S, S]</c>, and each scene's boxes.</returns>
    public static (PreviewBatch Batch, byte[] LabelMaps, DetectionBoxes[] Boxes) Generate(int count, int size, ulong seed)
    {
        var format = new BatchFormat(size, size);
        var shape = format.ShapeFor(count);
        int plane = size * size;
        var pixels = new byte[shape.ElementCount];
        var maps = new byte[count * plane];
        var boxes = new DetectionBoxes[count];
        var names = new string[count];
        var random = new MixRandom(seed);
        for (int i = 0; i < count; i++)
        {
            Span<byte> map = maps.AsSpan(i * plane, plane);
            Span<byte> image = pixels.AsSpan(i * 3 * plane, 3 * plane);
            Background(image, size, random);
            var corners = new List<float>();
            var classes = new List<int>();
            int half = size / 2;
            for (int cell = 0; cell < 4; cell++)
            {
                // Every cell draws the same numbers whether it gets an object or not; the first always gets one.
                bool present = random.NextDouble() < 0.7 || cell == 0;
                int cls = 1 + random.NextInt(3);
                int side = Math.Max(3, (int)(half * (0.4 + (0.45 * random.NextDouble()))));
                int x0 = ((cell % 2) * half) + 1 + random.NextInt(Math.Max(1, half - side - 1));
                int y0 = ((cell / 2) * half) + 1 + random.NextInt(Math.Max(1, half - side - 1));
                if (!present)
                {
                    continue;
                }

                (int left, int top, int right, int bottom) = DrawObject(image, map, size, cls, x0, y0, side);
                corners.AddRange([left, top, right, bottom]);
                classes.Add(cls);
            }

            boxes[i] = new DetectionBoxes(corners.ToArray(), classes.ToArray());
            names[i] = $"scene-{i:D2}";
        }

        return (new PreviewBatch(shape, pixels, names), maps, boxes);
    }

    /// <summary>Diagonal stripes of a muted colour with a little deterministic grain.</summary>
    private static void Background(Span<byte> image, int size, MixRandom random)
    {
        int plane = size * size;
        int r = 70 + random.NextInt(60), g = 70 + random.NextInt(60), b = 70 + random.NextInt(60);
        int period = Math.Max(4, size / 10);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                int stripe = ((x + y) / period) % 2 == 0 ? 18 : -18;
                int grain = (int)(((uint)((x * 73856093) ^ (y * 19349663)) % 17) - 8);
                int e = (y * size) + x;
                image[e] = Clamp(r + stripe + grain);
                image[plane + e] = Clamp(g + stripe + grain);
                image[(2 * plane) + e] = Clamp(b + stripe + grain);
            }
        }
    }

    /// <summary>Draws one object in its side × side square at (x0, y0), writes its class into the map, and returns the
    /// bounding box of the pixels it set (half-open).</summary>
    private static (int Left, int Top, int Right, int Bottom) DrawObject(Span<byte> image, Span<byte> map, int size, int cls, int x0, int y0, int side)
    {
        int plane = size * size;
        double cx = x0 + (side / 2.0), cy = y0 + (side / 2.0), radius = side / 2.0;
        int left = int.MaxValue, top = int.MaxValue, right = int.MinValue, bottom = int.MinValue;
        for (int y = y0; y < y0 + side; y++)
        {
            for (int x = x0; x < x0 + side; x++)
            {
                double px = x + 0.5, py = y + 0.5;
                bool inside = cls switch
                {
                    1 => true,
                    2 => ((px - cx) * (px - cx)) + ((py - cy) * (py - cy)) <= radius * radius,
                    _ => Math.Abs(px - cx) <= radius * (py - y0) / side, // apex at the top centre, base at the bottom
                };
                if (!inside)
                {
                    continue;
                }

                int e = (y * size) + x;
                map[e] = (byte)cls;

                // Shaded from the top-left, with rings, so a pasted piece of an object is still recognisable.
                double shade = 0.65 + (0.35 * (1 - (((x - x0) + (y - y0)) / (2.0 * side)))) - (((x - x0 + y - y0) / 3 % 2) * 0.08);
                image[e] = Clamp((int)(Fills[cls].R * shade));
                image[plane + e] = Clamp((int)(Fills[cls].G * shade));
                image[(2 * plane) + e] = Clamp((int)(Fills[cls].B * shade));
                left = Math.Min(left, x);
                top = Math.Min(top, y);
                right = Math.Max(right, x + 1);
                bottom = Math.Max(bottom, y + 1);
            }
        }

        return (left, top, right, bottom);
    }

    private static byte Clamp(int value) => (byte)Math.Clamp(value, 0, 255);
}
