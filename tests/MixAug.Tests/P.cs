namespace MixAug.Tests; public class P { [NUnit.Framework.Test] public void T() => NUnit.Framework.Assert.That(1, NUnit.Framework.Is.EqualTo(1)); }
