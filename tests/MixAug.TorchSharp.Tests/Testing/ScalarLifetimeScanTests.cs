using System.Reflection;
using MixAug.TorchSharp.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.TorchSharp.Tests.Testing;

/// <summary>
/// <see cref="ScalarLifetimeScan"/> tells a kept Scalar from one the finalizer can free mid-call: each fixture method is
/// one way of passing a Scalar to libtorch, and the scan must flag exactly the unkept ones, naming the culprit.
/// </summary>
public sealed class ScalarLifetimeScanTests
{
    [TestCase(nameof(ScalarFixtures.ImplicitArgument), "Scalar.op_Implicit(Double)")]
    [TestCase(nameof(ScalarFixtures.StoredButNeverDisposed), "ScalarExtensionMethods.ToScalar(Double)")]
    [TestCase(nameof(ScalarFixtures.AddWithoutAlpha), "Tensor.add(Tensor)")]
    [TestCase(nameof(ScalarFixtures.PlusOperator), "Tensor.op_Addition(Tensor, Tensor)")]
    [TestCase(nameof(ScalarFixtures.OneMinus), "Tensor.op_Subtraction(Int32, Tensor)")]
    [TestCase(nameof(ScalarFixtures.RangeFromZero), "torch.arange(Scalar, Nullable`1, Device, Boolean)")]
    [TestCase(nameof(ScalarFixtures.ParkedBySwitchThenPassed), "Scalar.op_Implicit(Single)")]
    public void TheScanFindsATemporaryScalar(string fixture, string culprit)
    {
        List<string> findings = ScalarLifetimeScan.Findings(Fixture(fixture)).ToList();
        Assert.That(findings, Has.Count.EqualTo(1), string.Join(Environment.NewLine, findings));
        Assert.That(findings[0], Does.StartWith($"ScalarFixtures.{fixture}: ").And.Contains(culprit));
    }

    [TestCase(nameof(ScalarFixtures.UsingLocal))]
    [TestCase(nameof(ScalarFixtures.UsingLocalFromEitherBranch))]
    [TestCase(nameof(ScalarFixtures.KeptInAStaticField))]
    [TestCase(nameof(ScalarFixtures.ReturnedToTheCaller))]
    [TestCase(nameof(ScalarFixtures.ReturnedFromASwitch))]
    [TestCase(nameof(ScalarFixtures.ExplicitAlphaAndStep))]
    public void TheScanAcceptsAKeptScalar(string fixture) => Assert.That(ScalarLifetimeScan.Findings(Fixture(fixture)), Is.Empty);

    [Test]
    public void TorchSharpsOwnTemporariesAreTheOverloadsThatFillInAnAlphaOrAStep()
    {
        Assert.That(ScalarLifetimeScan.IsRacy(TensorMethod(nameof(Tensor.add), typeof(Tensor))), Is.True);
        Assert.That(ScalarLifetimeScan.IsRacy(TensorMethod(nameof(Tensor.add_), typeof(Tensor))), Is.True);
        Assert.That(ScalarLifetimeScan.IsRacy(TensorMethod(nameof(Tensor.add), typeof(Tensor), typeof(Scalar))), Is.False);
        Assert.That(ScalarLifetimeScan.IsRacy(TensorMethod(nameof(Tensor.mul), typeof(Tensor))), Is.False);
        Assert.That(ScalarLifetimeScan.IsRacy(TensorMethod(nameof(Tensor.mul), typeof(Scalar))), Is.False);
    }

    [TestCase(typeof(global::TorchSharp.Modules.Adam))]
    [TestCase(typeof(global::TorchSharp.Modules.AdamW))]
    [TestCase(typeof(global::TorchSharp.Modules.SGD))]
    public void TorchSharpsOptimizersStillMakeTemporaryScalarsAtEveryStep(Type optimizer)
    {
        // docs/torchsharp.md tells applications that TorchSharp 0.107's own optimizers remain exposed. A TorchSharp that
        // keeps its scalars alive fails this test: then that paragraph, and this test, should go.
        Assert.That(ScalarLifetimeScan.IsRacy(optimizer.GetMethod("step", [typeof(Func<Tensor>)])!), Is.True);
    }

    [Test]
    public void NullIsRefusedByName()
    {
        Assert.That(() => ScalarLifetimeScan.Findings((Assembly)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("assembly"));
        Assert.That(() => ScalarLifetimeScan.Findings((MethodBase)null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("method"));
        Assert.That(() => ScalarLifetimeScan.IsRacy(null!), Throws.ArgumentNullException.With.Property("ParamName").EqualTo("method"));
    }

    [Test]
    public void ADynamicMethodIsRefusedByNameForItsILCannotBeRead()
    {
        var emitted = new System.Reflection.Emit.DynamicMethod("Emitted", typeof(void), Type.EmptyTypes);
        emitted.GetILGenerator().Emit(System.Reflection.Emit.OpCodes.Ret);
        Assert.That(() => ScalarLifetimeScan.Findings(emitted), Throws.ArgumentException.With.Property("ParamName").EqualTo("method")
            .And.Message.Contains("DynamicMethod"));
        Assert.That(ScalarLifetimeScan.IsRacy(emitted), Is.False);
    }

    private static MethodInfo TensorMethod(string name, params Type[] parameters) => typeof(Tensor).GetMethod(name, parameters)!;

    private static MethodInfo Fixture(string name) =>
        typeof(ScalarFixtures).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!;
}

/// <summary>
/// Code for <see cref="ScalarLifetimeScanTests"/> to scan, never to run: each method is one way of passing a Scalar to
/// libtorch, kept alive or not.
/// </summary>
internal static class ScalarFixtures
{
    private static readonly Scalar One = 1.ToScalar();

    public static Tensor ImplicitArgument(Tensor tensor) => tensor.mul(2.0);

    public static Tensor StoredButNeverDisposed(Tensor tensor)
    {
        // A local the method never reads again ends its life at its last use, which is before the native call returns.
        Scalar two = 2.0.ToScalar();
        return tensor.mul(two);
    }

    public static Tensor AddWithoutAlpha(Tensor tensor, Tensor other) => tensor.add(other);

    public static Tensor PlusOperator(Tensor tensor, Tensor other) => tensor + other;

    public static Tensor OneMinus(Tensor weights) => 1 - weights;

    public static Tensor RangeFromZero(long count)
    {
        using Scalar stop = count.ToScalar();
        return arange(stop);
    }

    public static Tensor ParkedBySwitchThenPassed(Tensor tensor, double weight, bool single) =>
        tensor.mul(single switch { true => (float)weight, false => 2L });

    public static Tensor UsingLocal(Tensor tensor)
    {
        using Scalar two = 2.0.ToScalar();
        return tensor.mul(two);
    }

    public static Tensor UsingLocalFromEitherBranch(Tensor tensor, double weight, bool single)
    {
        using Scalar scalar = single ? (float)weight : weight;
        return tensor.mul(scalar);
    }

    public static Tensor KeptInAStaticField(Tensor tensor, Tensor other) => tensor.add(other, One);

    public static Scalar ReturnedToTheCaller(double value) => value.ToScalar();

    public static Scalar ReturnedFromASwitch(double value, bool single) => single switch { true => (float)value, false => 2L };

    public static Tensor ExplicitAlphaAndStep(long count)
    {
        using Scalar start = 0L.ToScalar(), stop = count.ToScalar(), step = 1L.ToScalar();
        return arange(start, stop, step);
    }
}
