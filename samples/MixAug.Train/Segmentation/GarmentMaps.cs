using MixAug.Train.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace MixAug.Train.Segmentation;

/// <summary>
/// Fashion-MNIST as a segmentation task: a pixel at or above <see cref="Threshold"/> (of 255) is the garment and takes
/// the image's class + 1; every other pixel is background, class 0. So there are 11 classes, and every map holds the
/// background and exactly one garment class.
/// </summary>
internal static class GarmentMaps
{
    /// <summary>The lowest raw pixel value that counts as garment (about 12.5 % of full intensity; the background of the
    /// images is 0, and the faint halo of 1-31 around the garments is counted as background).</summary>
    public const byte Threshold = 32;

    /// <summary>Background plus the ten garment classes.</summary>
    public const int ClassCount = FashionMnist.ClassCount + 1;

    /// <summary>The class maps <c>[B, H, W]</c> (int64) of a batch of normalised images <c>[B, 1, H, W]</c> and labels.</summary>
    /// <remarks>The normalisation is monotone, so comparing with the threshold's own normalised value is the same as
    /// comparing the raw pixels: no second copy of the raw bytes is needed.</remarks>
    public static Tensor Of(Tensor images, Tensor labels)
    {
        using DisposeScope scope = NewDisposeScope();
        // Kept Scalars, not temporaries that TorchSharp's finalizer could free mid-call (see TinyVit).
        using Scalar threshold = BatchSource.Normalise(Threshold).ToScalar(), one = 1.ToScalar();
        Tensor garment = images.select(1, 0).ge(threshold);
        Tensor classes = labels.add(one, one).view(-1, 1, 1).expand_as(garment);
        return where(garment, classes, zeros_like(classes)).MoveToOuterDisposeScope();
    }
}
