using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train.Segmentation;

/// <summary>
/// A small fully convolutional net for 28x28 class maps: two 3x3 convolutions at full resolution (16 channels, the
/// second dilated by 2), 2x2 max pooling, two 3x3 convolutions at 14x14 (32 channels, the second dilated by 2), a 2x2
/// transposed convolution back to 28x28 (16 channels) joined with the full-resolution features, and a 1x1
/// convolution to the classes. About 5.3 M multiply-adds per image; the pooled branch sees about 20x20 pixels.
/// </summary>
internal sealed class SmallFcn : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _full;
    private readonly nn.Module<Tensor, Tensor> _half;
    private readonly nn.Module<Tensor, Tensor> _up;
    private readonly nn.Module<Tensor, Tensor> _head;

    public SmallFcn(int classCount)
        : base("SmallFcn")
    {
        _full = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding: 1),
            nn.ReLU(),
            nn.Conv2d(16, 16, 3, padding: 2, dilation: 2),
            nn.ReLU());
        _half = nn.Sequential(
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding: 1),
            nn.ReLU(),
            nn.Conv2d(32, 32, 3, padding: 2, dilation: 2),
            nn.ReLU());
        _up = nn.Sequential(nn.ConvTranspose2d(32, 16, 2, stride: 2), nn.ReLU());
        _head = nn.Conv2d(32, classCount, 1);
        RegisterComponents();
    }

    public override Tensor forward(Tensor input)
    {
        using DisposeScope scope = NewDisposeScope();
        Tensor full = _full.forward(input);
        Tensor up = _up.forward(_half.forward(full));
        return _head.forward(cat([full, up], 1)).MoveToOuterDisposeScope();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _full.Dispose();
            _half.Dispose();
            _up.Dispose();
            _head.Dispose();
        }

        base.Dispose(disposing);
    }
}
