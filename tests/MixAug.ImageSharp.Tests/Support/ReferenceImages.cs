using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace MixAug.ImageSharp.Tests;

/// <summary>
/// Tolerant comparison with a checked-in reference image, ImageSharp style: the sizes must match, the mean absolute
/// channel difference must stay below 1 (of 255) and no channel may differ by more than <see cref="MaxChannelDifference"/>.
/// The tolerance absorbs JPEG decoding or resampling differences between runtimes and CPUs (SIMD paths), not changes
/// of layout or content. On failure the actual image is copied to ActualOutput/ (git-ignored) for inspection.
/// Never regenerate a reference to make this pass.
/// </summary>
internal static class ReferenceImages
{
    public const int MaxChannelDifference = 48;

    public static void AssertSimilar(string actualPath, string referencePath)
    {
        Assert.That(File.Exists(referencePath), Is.True, $"reference image {referencePath} is missing");
        using Image<Rgb24> actual = Image.Load<Rgb24>(actualPath);
        using Image<Rgb24> reference = Image.Load<Rgb24>(referencePath);
        string? failure = Compare(actual, reference);
        if (failure is not null)
        {
            string dir = Path.Combine(TestContext.CurrentContext.TestDirectory, "ActualOutput");
            Directory.CreateDirectory(dir);
            string copy = Path.Combine(dir, Path.GetFileName(referencePath));
            File.Copy(actualPath, copy, overwrite: true);
            Assert.Fail($"{failure}; the actual output is in {copy}");
        }
    }

    /// <summary>Compares parts of the actual image with parts of the reference, which may sit elsewhere (a layout that
    /// moved its pictures but must not change them). Same tolerance, part by part.</summary>
    public static void AssertPartsSimilar(string actualPath, string referencePath, IEnumerable<(string Name, Rectangle Actual, Rectangle Reference)> parts)
    {
        Assert.That(File.Exists(referencePath), Is.True, $"reference image {referencePath} is missing");
        using Image<Rgb24> actual = Image.Load<Rgb24>(actualPath);
        using Image<Rgb24> reference = Image.Load<Rgb24>(referencePath);
        var failures = new List<string>();
        int compared = 0;
        foreach ((string name, Rectangle a, Rectangle r) in parts)
        {
            using Image<Rgb24> actualPart = actual.Clone(c => c.Crop(a));
            using Image<Rgb24> referencePart = reference.Clone(c => c.Crop(r));
            if (Compare(actualPart, referencePart) is string failure)
            {
                failures.Add($"{name}: {failure}");
            }

            compared++;
        }

        if (failures.Count > 0)
        {
            string dir = Path.Combine(TestContext.CurrentContext.TestDirectory, "ActualOutput");
            Directory.CreateDirectory(dir);
            string copy = Path.Combine(dir, Path.GetFileName(referencePath));
            File.Copy(actualPath, copy, overwrite: true);
            Assert.Fail($"{failures.Count} of {compared} parts differ: {string.Join("; ", failures.Take(5))}; the actual output is in {copy}");
        }
    }

    private static string? Compare(Image<Rgb24> actual, Image<Rgb24> reference)
    {
        if (actual.Size() != reference.Size())
        {
            return $"size {actual.Width}x{actual.Height} differs from the reference's {reference.Width}x{reference.Height}";
        }

        var a = new Rgb24[actual.Width * actual.Height];
        var r = new Rgb24[a.Length];
        actual.CopyPixelDataTo(a);
        reference.CopyPixelDataTo(r);
        long sum = 0;
        int max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            int d1 = Math.Abs(a[i].R - r[i].R), d2 = Math.Abs(a[i].G - r[i].G), d3 = Math.Abs(a[i].B - r[i].B);
            sum += d1 + d2 + d3;
            max = Math.Max(max, Math.Max(d1, Math.Max(d2, d3)));
        }

        double mean = sum / (3.0 * a.Length);
        return mean < 1.0 && max <= MaxChannelDifference ? null : $"mean absolute difference {mean:F3} (limit < 1) and max {max} (limit {MaxChannelDifference})";
    }
}
