#:project ../../../src/MixAug.ImageSharp/MixAug.ImageSharp.csproj
// Makes a folder in the ImageFolder layout (ROOT/class-N/photo-NNNNN.jpg) of COUNT large JPEGs, to measure the preview
// on a data set rather than a handful of images: dotnet run --file make-photo-folder.cs -- ROOT COUNT [WIDTH HEIGHT]
// (default 4000 x 3000, 12 megapixels). The shipped sample images are scaled up, tinted and grained into 24 distinct
// photographs of that size (about 3 MB each at quality 90); the other files are byte copies of them, since encoding
// thousands of 12-megapixel JPEGs would take an hour and the preview opens only the sampled ones. Nothing is written
// inside the repository unless ROOT is there: pass a folder under /tmp.
using System.Diagnostics;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Jpeg;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

if (args.Length is not (2 or 4) || !int.TryParse(args[1], out int count) || count < 1)
{
    Console.Error.WriteLine("usage: make-photo-folder.cs ROOT COUNT [WIDTH HEIGHT]");
    return 2;
}

string root = args[0];
int width = args.Length == 4 ? int.Parse(args[2]) : 4000;
int height = args.Length == 4 ? int.Parse(args[3]) : 3000;
const int Distinct = 24;
const int Classes = 10;
string sources = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ThisFile())!, "..", "images"));
string[] photos = Directory.GetFiles(sources, "*.jpg").Order(StringComparer.Ordinal).ToArray();
var clock = Stopwatch.StartNew();
Directory.CreateDirectory(root);
var made = new string[Math.Min(Distinct, count)];
var random = new Random(12345);
for (int i = 0; i < made.Length; i++)
{
    using Image<Rgb24> image = Image.Load<Rgb24>(photos[i % photos.Length]);
    image.Mutate(ctx => ctx.Resize(new ResizeOptions { Size = new Size(width, height), Mode = ResizeMode.Crop }).Hue(i * 15f));
    // Fine grain, as a camera sensor gives, so the files have a photograph's size rather than a smooth upscale's.
    image.ProcessPixelRows(rows =>
    {
        for (int y = 0; y < rows.Height; y++)
        {
            Span<Rgb24> row = rows.GetRowSpan(y);
            for (int x = 0; x < row.Length; x++)
            {
                int n = random.Next(-6, 7);
                Rgb24 p = row[x];
                row[x] = new Rgb24(Clamp(p.R + n), Clamp(p.G + n), Clamp(p.B + n));
            }
        }
    });
    made[i] = Target(i);
    Directory.CreateDirectory(Path.GetDirectoryName(made[i])!);
    image.SaveAsJpeg(made[i], new JpegEncoder { Quality = 90 });
}

for (int i = made.Length; i < count; i++)
{
    string target = Target(i);
    Directory.CreateDirectory(Path.GetDirectoryName(target)!);
    File.Copy(made[i % made.Length], target, overwrite: true);
}

long bytes = Directory.EnumerateFiles(root, "*.jpg", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
Console.WriteLine($"{count} JPEGs of {width}x{height} ({made.Length} distinct) in {Classes} class folders of {root}: {bytes / 1e6:F0} MB, made in {clock.Elapsed.TotalSeconds:F0} s");
return 0;

string Target(int i) => Path.Combine(root, $"class-{i % Classes}", $"photo-{i:D5}.jpg");

static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
