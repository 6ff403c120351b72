using static TorchSharp.torch;

namespace MixAug.Training.ModelMixing;

/// <summary>
/// A network that ends in global average pooling and one linear classifier, so that its class activation maps
/// (Zhou et al., CVPR 2016) can be read: what <see cref="Steps.SnapMixStep"/> weighs the labels by. The training
/// sample's CAM CNN implements it; the loop still trains it as an <c>nn.Module&lt;Tensor, Tensor&gt;</c>.
/// </summary>
public interface IClassActivationModel
{
    /// <summary>Runs the model once, returning the logits and the feature maps the classifier pools.</summary>
    /// <param name="images">The images <c>[B, C, H, W]</c>.</param>
    /// <returns>The logits <c>[B, K]</c> and the last feature maps <c>[B, D, h, w]</c>, where
    /// logits = <see cref="ClassifierWeight"/> · mean over h, w of the features + bias.</returns>
    (Tensor Logits, Tensor Features) ForwardWithFeatures(Tensor images);

    /// <summary>The classifier's weight <c>[K, D]</c>. (Its bias adds the same number to every pixel of a class
    /// activation map, which SnapMix's normalisation removes, so it is not needed.)</summary>
    Tensor ClassifierWeight { get; }
}
