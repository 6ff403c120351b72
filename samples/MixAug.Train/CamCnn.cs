using MixAug.Training.ModelMixing;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace MixAug.Train;

/// <summary>
/// A CNN whose class activation maps can be read (<see cref="IClassActivationModel"/>), for <c>--mix snapmix</c>: the
/// default CNN's two conv blocks (32 and 64 channels, 3x3, ReLU, 2x2 max pooling), a third 3x3 convolution to 128
/// channels with ReLU at 7x7, global average pooling, dropout and one linear layer (128 → 10). About 7.8 M
/// multiply-adds per 28x28 image forward.
/// </summary>
internal sealed class CamCnn : nn.Module<Tensor, Tensor>, IClassActivationModel
{
    private readonly nn.Module<Tensor, Tensor> _features;
    private readonly Dropout _dropout;
    private readonly Linear _classifier;

    public CamCnn(int classCount)
        : base("CamCnn")
    {
        _features = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(64, 128, 3, padding: 1),
            nn.ReLU());
        _dropout = nn.Dropout(0.25);
        _classifier = nn.Linear(128, classCount);
        RegisterComponents();
    }

    public Tensor ClassifierWeight => _classifier.weight!;

    public override Tensor forward(Tensor input) => ForwardWithFeatures(input).Logits;

    /// <summary>The logits and the 128 feature maps <c>[B, 128, 7, 7]</c> the classifier pools.</summary>
    public (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor images)
    {
        Tensor features = _features.forward(images);
        return (_classifier.forward(_dropout.forward(features.mean([2, 3]))), features);
    }
}
