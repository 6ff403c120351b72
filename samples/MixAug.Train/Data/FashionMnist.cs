namespace MixAug.Train.Data;

/// <summary>
/// The Fashion-MNIST data set (Xiao, Rasul and Vollgraf, 2017; MIT licence): 28x28 grayscale images in 10 classes,
/// read from the four IDX files of the original distribution (also what Debian's <c>dataset-fashion-mnist</c>
/// installs under /usr/share/datasets/fashion-mnist).
/// </summary>
// Why not TorchVision's torchvision.datasets.FashionMNIST (TorchVision 0.107, src/TorchVision/dsets/MNIST.cs): without
// download it reads only raw files at ROOT/fashion-mnist/test_data/ (the .gz files that Debian and the GitHub repository
// ship are unpacked only by its download), checks neither the magic number nor the lengths (a truncated file fails later
// with an IndexOutOfRangeException, naming no file) nor the labels, and makes one tensor per image and per label (140,000
// native tensors for the full set, pixels / 256). IdxFile reads either form anywhere and names the file in every error;
// docs/training.md has the details.
public sealed class FashionMnist
{
    /// <summary>Image side in pixels.</summary>
    public const int Side = 28;

    /// <summary>Number of classes.</summary>
    public const int ClassCount = 10;

    /// <summary>Class names, by label.</summary>
    public static readonly string[] ClassNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The four files of the data set, without the <c>.gz</c> that the distributions add.</summary>
    public static readonly string[] FileNames = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];

    /// <summary>What the data set consists of and where to get it: the end of every "not found" message.</summary>
    public static readonly string WhereToGetIt =
        $"Fashion-MNIST is four files in one folder: {string.Join(", ", FileNames)}, each gzip-compressed (.gz) or not. "
        + "Get them from https://github.com/zalandoresearch/fashion-mnist (folder data/fashion), "
        + "from Debian's package dataset-fashion-mnist (installs /usr/share/datasets/fashion-mnist), "
        + "or with TorchVision's torchvision.datasets.FashionMNIST(ROOT, train: true, download: true), which writes them to ROOT/fashion-mnist. "
        + "Checksums: docs/training.md.";

    private FashionMnist(LabelledImages train, LabelledImages test)
    {
        Train = train;
        Test = test;
    }

    /// <summary>The training split (60,000 images in the full set).</summary>
    public LabelledImages Train { get; }

    /// <summary>The test split (10,000 images in the full set).</summary>
    public LabelledImages Test { get; }

    /// <summary>Loads both splits from <paramref name="directory"/>, accepting each file named with or without .gz, compressed or not.</summary>
    /// <param name="directory">The folder with the <see cref="FileNames"/> (each possibly with .gz).</param>
    /// <param name="trainLimit">Keep only the first this many training images (null: all).</param>
    /// <returns>The data set.</returns>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, or images and labels disagree.</exception>
    public static FashionMnist Load(string directory, int? trainLimit = null)
    {
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Fashion-MNIST folder '{directory}' does not exist. {WhereToGetIt}");
        }

        LabelledImages train = LabelledImages.Load(Find(directory, "train-images-idx3-ubyte"), Find(directory, "train-labels-idx1-ubyte"));
        LabelledImages test = LabelledImages.Load(Find(directory, "t10k-images-idx3-ubyte"), Find(directory, "t10k-labels-idx1-ubyte"));
        return new FashionMnist(trainLimit is int n ? train.Take(n) : train, test);
    }

    private static string Find(string directory, string name)
    {
        foreach (string candidate in new[] { name + ".gz", name })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"Neither {name}.gz nor {name} is in '{directory}'. {WhereToGetIt}", Path.Combine(directory, name + ".gz"));
    }
}

/// <summary>Images of one split, <c>Count × Side × Side</c> bytes, with their labels.</summary>
public sealed class LabelledImages
{
    internal LabelledImages(byte[] pixels, byte[] labels, int side)
    {
        Pixels = pixels;
        Labels = labels;
        Side = side;
    }

    /// <summary>The pixels, image after image, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The label of each image.</summary>
    public byte[] Labels { get; }

    /// <summary>Image side in pixels.</summary>
    public int Side { get; }

    /// <summary>Number of images.</summary>
    public int Count => Labels.Length;

    /// <summary>Reads an image file and its label file and checks that they agree.</summary>
    /// <param name="imagesPath">IDX file of images (N × H × W).</param>
    /// <param name="labelsPath">IDX file of labels (N), each below <see cref="FashionMnist.ClassCount"/>.</param>
    /// <returns>The split.</returns>
    /// <exception cref="InvalidDataException">The files are malformed or disagree.</exception>
    public static LabelledImages Load(string imagesPath, string labelsPath)
    {
        IdxFile images = IdxFile.Read(imagesPath);
        IdxFile labels = IdxFile.Read(labelsPath);
        if (images.Dimensions.Count != 3 || images.Dimensions[1] != images.Dimensions[2])
        {
            throw new InvalidDataException($"IDX file '{imagesPath}' has dimensions {string.Join(" x ", images.Dimensions)}; square images N x H x W were expected.");
        }

        if (labels.Dimensions.Count != 1 || labels.Dimensions[0] != images.Dimensions[0])
        {
            throw new InvalidDataException($"IDX file '{labelsPath}' has dimensions {string.Join(" x ", labels.Dimensions)} but '{imagesPath}' holds {images.Dimensions[0]} images.");
        }

        int bad = Array.FindIndex(labels.Data, l => l >= FashionMnist.ClassCount);
        if (bad >= 0)
        {
            throw new InvalidDataException($"IDX file '{labelsPath}': label {bad} is {labels.Data[bad]}, outside [0, {FashionMnist.ClassCount}).");
        }

        return new LabelledImages(images.Data, labels.Data, images.Dimensions[1]);
    }

    /// <summary>The first <paramref name="count"/> images (all of them if there are fewer).</summary>
    /// <param name="count">How many to keep; at least 1.</param>
    /// <returns>A new split sharing nothing with this one.</returns>
    public LabelledImages Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int n = Math.Min(count, Count);
        return new LabelledImages(Pixels.AsSpan(0, n * Side * Side).ToArray(), Labels.AsSpan(0, n).ToArray(), Side);
    }
}
