using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train;

/// <summary>
/// The default model: two 3x3 convolutions (32 and 64 channels) with ReLU and 2x2 max pooling, dropout, and two linear
/// layers (3136 → 128 → 10). About 4.2 M multiply-adds per 28x28 image forward.
/// </summary>
internal sealed class SmallCnn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _layers;

    public SmallCnn(int classCount)
        : base("SmallCnn")
    {
        _layers = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3, padding: 1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Dropout(0.25),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 128),
            nn.ReLU(),
            nn.Dropout(0.25),
            nn.Linear(128, classCount));
        RegisterComponents();
    }

    /// <summary>The hidden states Manifold Mixup may mix: after each pooling ([B, 32, 14, 14], [B, 64, 7, 7]) and after
    /// the hidden linear layer's ReLU ([B, 128]), as named by <c>named_modules()</c>.</summary>
    public static readonly string[] ManifoldLayers = ["_layers.2", "_layers.5", "_layers.9"];

    public override Tensor forward(Tensor input) => _layers.forward(input);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _layers.Dispose();
        }

        base.Dispose(disposing);
    }
}
