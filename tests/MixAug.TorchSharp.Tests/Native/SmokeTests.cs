using static TorchSharp.torch;

namespace MixAug.TorchSharp.Tests.Native;

public sealed class SmokeTests
{
    [Test]
    public void A_tensor_can_be_created_and_summed()
    {
        using var t = ones(3, 4);
        Assert.That(t.sum().item<float>(), Is.EqualTo(12f));
    }
}
