using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>The checks the collate's input tests share: a refused batch names the key and leaves nothing behind; refused
/// options name <c>options</c>.</summary>
internal static class CollateRefusals
{
    /// <summary>Asserts that <paramref name="collate"/> refuses <paramref name="samples"/> with an ArgumentException naming
    /// <paramref name="key"/> whose message holds every fragment, that no tensor is left in the caller's scope and that
    /// the batch count did not move.</summary>
    public static void AssertRejected(MixCollate collate, List<Dictionary<string, Tensor>> samples, string key, params string[] fragments)
    {
        using DisposeScope scope = NewDisposeScope();
        var thrown = Assert.Throws(Is.InstanceOf<ArgumentException>(), () => collate.Collate(samples, CPU)) as ArgumentException;
        Assert.That(thrown!.ParamName, Is.EqualTo(key), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }

        Assert.That(scope.DisposablesCount, Is.EqualTo(0), "no tensor is left behind");
        Assert.That((collate.NextBatchIndex, collate.LastBatch), Is.EqualTo((0L, (MixBatchRecord?)null)), "the count did not move");
    }

    /// <summary>Asserts that a MixUp collate with <paramref name="options"/> is refused when made, naming <c>options</c>,
    /// with every fragment in the message.</summary>
    public static void AssertRefusedOptions(MixCollateOptions options, int classes, params string[] fragments)
    {
        var thrown = Assert.Throws<ArgumentException>(() => new MixCollate(new MixUp(), 7, classes, options: options));
        Assert.That(thrown!.ParamName, Is.EqualTo("options"), thrown.Message);
        foreach (string fragment in fragments)
        {
            Assert.That(thrown.Message, Does.Contain(fragment));
        }
    }
}
