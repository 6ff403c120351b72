using MixAug.Train.Data;

namespace MixAug.Train.Tests.Data;

public class IdxFileTests
{
    private string _dir = null!;

    [SetUp]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("mixaug-idx-").FullName;

    [TearDown]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [TestCase("plain")]
    [TestCase("plain.gz")]
    public void ReadsWhatWasWritten(string name)
    {
        string path = Path.Combine(_dir, name);
        byte[] data = Enumerable.Range(0, 2 * 3 * 4).Select(i => (byte)i).ToArray();
        IdxWriter.Write(path, IdxWriter.Encode([2, 3, 4], data));
        IdxFile idx = IdxFile.Read(path);
        Assert.That(idx.Dimensions, Is.EqualTo(new[] { 2, 3, 4 }));
        Assert.That(idx.Data, Is.EqualTo(data));
    }

    // The content decides, not the name: a compressed file without .gz and a raw file named .gz both read.
    [TestCase("compressed-without-extension", true)]
    [TestCase("raw-with-extension.gz", false)]
    [TestCase("compressed.gz", true)]
    [TestCase("raw", false)]
    public void DetectsGzipByItsMagicBytesNotByTheName(string name, bool gzip)
    {
        string path = Path.Combine(_dir, name);
        byte[] data = Enumerable.Range(0, 5 * 7).Select(i => (byte)(i * 3)).ToArray();
        IdxWriter.Write(path, IdxWriter.Encode([5, 7], data), gzip);
        Assert.That(File.ReadAllBytes(path)[..2], gzip ? Is.EqualTo(new byte[] { 0x1F, 0x8B }) : Is.EqualTo(new byte[] { 0, 0 }));
        IdxFile idx = IdxFile.Read(path);
        Assert.That(idx.Dimensions, Is.EqualTo(new[] { 5, 7 }));
        Assert.That(idx.Data, Is.EqualTo(data));
    }

    [Test]
    public void TruncatedGzipWithoutExtensionIsReportedAsTruncated()
    {
        string path = Path.Combine(_dir, "train-images-idx3-ubyte");
        IdxWriter.Write(path, IdxWriter.Encode([10, 28, 28], Enumerable.Range(0, 7840).Select(i => (byte)i).ToArray()), compress: true);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void RejectsTruncatedData()
    {
        byte[] full = IdxWriter.Encode([10, 28, 28], new byte[7840]);
        string path = Path.Combine(_dir, "short");
        File.WriteAllBytes(path, full[..^5]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated").And.Contain("7840").And.Contain("7835"));
    }

    [Test]
    public void RejectsExtraData()
    {
        string path = Path.Combine(_dir, "long");
        File.WriteAllBytes(path, [.. IdxWriter.Encode([3], [1, 2, 3]), 9]);
        Assert.That(Assert.Throws<InvalidDataException>(() => IdxFile.Read(path))!.Message, Does.Contain("data after"));
    }

    [TestCase(new byte[] { }, "shorter than its 4-byte header")]
    [TestCase(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, "two zero bytes")]
    [TestCase(new byte[] { 0x1F }, "shorter than its 4-byte header")]
    [TestCase(new byte[] { 0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0 }, "type 0x0D")]
    [TestCase(new byte[] { 0, 0, 8, 9 }, "9 dimensions")]
    [TestCase(new byte[] { 0, 0, 8, 2, 0, 0, 0, 5 }, "ends inside its header")]
    [TestCase(new byte[] { 0, 0, 8, 1, 0xFF, 0xFF, 0xFF, 0xFF }, "size -1")]
    [TestCase(new byte[] { 0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 }, "more than")]
    public void RejectsMalformedHeaders(byte[] content, string expected)
    {
        string path = Path.Combine(_dir, "bad");
        File.WriteAllBytes(path, content);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void RejectsCorruptGzipNamingTheFile()
    {
        string path = Path.Combine(_dir, "corrupt.gz");
        File.WriteAllBytes(path, [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
        var e = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.That(e!.Message, Does.Contain(path));
    }

    [Test]
    public void MissingFileIsNamed()
    {
        Assert.That(Assert.Throws<FileNotFoundException>(() => IdxFile.Read(Path.Combine(_dir, "none")))!.Message, Does.Contain("none"));
    }
}
