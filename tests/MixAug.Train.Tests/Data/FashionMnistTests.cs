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
    public void MissingFolderOrFileIsNamed()
    {
        Assert.Throws<DirectoryNotFoundException>(() => FashionMnist.Load("/nonexistent/fmnist"));
        string dir = Directory.CreateTempSubdirectory("mixaug-empty-").FullName;
        try
        {
            Assert.That(Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(dir))!.Message, Does.Contain("train-images-idx3-ubyte"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
