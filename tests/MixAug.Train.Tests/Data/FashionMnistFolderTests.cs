using MixAug.Train.Data;

namespace MixAug.Train.Tests.Data;

public class FashionMnistFolderTests
{
    private string _a = null!;
    private string _b = null!;
    private string _debian = null!;

    [SetUp]
    public void CreateFolders()
    {
        _a = Directory.CreateTempSubdirectory("mixaug-folder-a-").FullName;
        _b = Directory.CreateTempSubdirectory("mixaug-folder-b-").FullName;
        _debian = Directory.CreateTempSubdirectory("mixaug-folder-debian-").FullName;
    }

    [TearDown]
    public void DeleteFolders()
    {
        foreach (string dir in new[] { _a, _b, _debian })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    [Test]
    public void TheOptionWinsOverTheVariableAndTheDebianFolder() =>
        Assert.That(FashionMnistFolder.Resolve(_a, Variable(_b), _debian), Is.EqualTo(_a));

    [Test]
    public void TheVariableIsUsedWithoutTheOption() =>
        Assert.That(FashionMnistFolder.Resolve(null, Variable(_b), _debian), Is.EqualTo(_b));

    [Test]
    public void TheDebianFolderIsTheLastResort()
    {
        Assert.That(FashionMnistFolder.Resolve(null, Variable(null), _debian), Is.EqualTo(_debian));
        Assert.That(FashionMnistFolder.Resolve(null, Variable(string.Empty), _debian), Is.EqualTo(_debian), "an empty variable counts as unset");
    }

    [Test]
    public void AMissingFolderThatWasAskedForIsAnErrorNotAFallBack()
    {
        string missing = Path.Combine(_a, "nope");
        string fromOption = Assert.Throws<DirectoryNotFoundException>(() => FashionMnistFolder.Resolve(missing, Variable(_b), _debian))!.Message;
        Assert.That(fromOption, Does.Contain($"'{missing}' (from --data) does not exist"));
        FashionMnistTests.AssertSaysWhereToGetIt(fromOption);

        string fromVariable = Assert.Throws<DirectoryNotFoundException>(() => FashionMnistFolder.Resolve(null, Variable(missing), _debian))!.Message;
        Assert.That(fromVariable, Does.Contain($"'{missing}' (from MIXAUG_FASHION_MNIST) does not exist"));
        FashionMnistTests.AssertSaysWhereToGetIt(fromVariable);
    }

    [Test]
    public void NoFolderAtAllSaysHowToNameOneAndWhereToGetTheFiles()
    {
        Directory.Delete(_debian);
        string message = Assert.Throws<DirectoryNotFoundException>(() => FashionMnistFolder.Resolve(null, Variable(null), _debian))!.Message;
        Assert.That(message, Does.Contain("pass --data DIR or set MIXAUG_FASHION_MNIST=DIR").And.Contain(_debian));
        FashionMnistTests.AssertSaysWhereToGetIt(message);
    }

    [Test]
    public void OnlyTheDocumentedVariableIsRead()
    {
        var asked = new List<string>();
        FashionMnistFolder.Resolve(null, name => { asked.Add(name); return _b; }, _debian);
        Assert.That(asked, Is.EqualTo(new[] { "MIXAUG_FASHION_MNIST" }));
    }

    private static Func<string, string?> Variable(string? value) => name => name == FashionMnistFolder.EnvironmentVariable ? value : null;
}
