using MixAug.Train.Data;

namespace MixAug.Train.Tests.Data;

public class FashionMnistTests
{
    [Test]
    public void LoadsASyntheticFolderAndLimitsTheTrainingSet()
    {
        string dir = IdxWriter.SyntheticFashionMnist(train: 50, test: 20, seed: 1);
        try
        {
            FashionMnist data = FashionMnist.Load(dir, trainLimit: 30);
            Assert.That(data.Train.Count, Is.EqualTo(30));
            Assert.That(data.Train.Pixels, Has.Length.EqualTo(30 * 784));
            Assert.That(data.Test.Count, Is.EqualTo(20));
            Assert.That(data.Train.Labels, Has.All.LessThan(10));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void RejectsLabelsThatDisagreeWithImages()
    {
        string dir = IdxWriter.SyntheticFashionMnist(train: 5, test: 5, seed: 2);
        try
        {
            IdxWriter.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), IdxWriter.Encode([4], [1, 2, 3, 4]));
            var e = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir));
            Assert.That(e!.Message, Does.Contain("t10k-labels").And.Contain("5 images"));
            IdxWriter.Write(Path.Combine(dir, "t10k-labels-idx1-ubyte.gz"), IdxWriter.Encode([5], [1, 2, 3, 4, 10]));
            Assert.That(Assert.Throws<InvalidDataException>(() => FashionMnist.Load(dir))!.Message, Does.Contain("label 4 is 10"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    public void MissingFolderOrFileIsNamedWithTheFourFilesAndWhereToGetThem()
    {
        string missing = Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load("/nonexistent/fmnist"))!.Message;
        Assert.That(missing, Does.Contain("/nonexistent/fmnist"));
        AssertSaysWhereToGetIt(missing);
        string dir = Directory.CreateTempSubdirectory("mixaug-empty-").FullName;
        try
        {
            string message = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir))!.Message;
            Assert.That(message, Does.StartWith("Neither train-images-idx3-ubyte.gz nor train-images-idx3-ubyte is in"));
            AssertSaysWhereToGetIt(message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    // The same data set as gzip files named .gz (the distributions), raw files without .gz (unpacked by TorchVision or
    // gunzip), and the two mixed up: every file is read by its content, so all load to the same pixels and labels.
    [Test]
    public void LoadsRawAndCompressedFilesUnderEitherName()
    {
        string gz = IdxWriter.SyntheticFashionMnist(train: 12, test: 6, seed: 4);
        var variants = new List<string>();
        try
        {
            FashionMnist expected = FashionMnist.Load(gz);
            foreach ((bool gzip, bool gzName) in new[] { (false, false), (true, false), (false, true) })
            {
                string dir = Directory.CreateTempSubdirectory("mixaug-fmnist-variant-").FullName;
                variants.Add(dir);
                foreach (string name in FashionMnist.FileNames)
                {
                    byte[] raw = Gunzip(Path.Combine(gz, name + ".gz"));
                    IdxWriter.Write(Path.Combine(dir, gzName ? name + ".gz" : name), raw, gzip);
                }

                FashionMnist actual = FashionMnist.Load(dir);
                Assert.That(actual.Train.Pixels, Is.EqualTo(expected.Train.Pixels), $"gzip {gzip}, .gz names {gzName}");
                Assert.That(actual.Train.Labels, Is.EqualTo(expected.Train.Labels));
                Assert.That(actual.Test.Pixels, Is.EqualTo(expected.Test.Pixels));
                Assert.That(actual.Test.Labels, Is.EqualTo(expected.Test.Labels));
            }
        }
        finally
        {
            Directory.Delete(gz, recursive: true);
            variants.ForEach(d => Directory.Delete(d, recursive: true));
        }
    }

    internal static void AssertSaysWhereToGetIt(string message)
    {
        foreach (string name in FashionMnist.FileNames)
        {
            Assert.That(message, Does.Contain(name));
        }

        Assert.That(message, Does.Contain("https://github.com/zalandoresearch/fashion-mnist").And.Contain("dataset-fashion-mnist").And.Contain("torchvision.datasets.FashionMNIST"));
    }

    private static byte[] Gunzip(string path)
    {
        using var gzip = new System.IO.Compression.GZipStream(File.OpenRead(path), System.IO.Compression.CompressionMode.Decompress);
        using var raw = new MemoryStream();
        gzip.CopyTo(raw);
        return raw.ToArray();
    }
}
