using static TorchSharp.torch;

namespace MixAug.Training.ModelMixing;

/// <summary>
/// A vision transformer that can report, with its logits, how much its class token attends to each patch: what
/// <see cref="Steps.TransMixStep"/> weighs the labels by. Any model can implement it (the training sample's tiny ViT
/// does); the loop still trains it as an <c>nn.Module&lt;Tensor, Tensor&gt;</c>.
/// </summary>
public interface IClassAttentionModel
{
    /// <summary>Runs the model once, returning the logits and the class token's attention in the last block.</summary>
    /// <param name="images">The images <c>[B, C, H, W]</c>.</param>
    /// <returns>The logits <c>[B, K]</c>, and the softmax attention from the class token to the patch tokens of the last
    /// block, <c>[B, heads, P]</c> or already averaged over the heads <c>[B, P]</c>, patches in row-major order over a
    /// grid with the images' aspect (TransMix's reference takes <c>attn[:, :, 0, 1:]</c> and averages the heads). The
    /// attention is read detached, so it may or may not carry a graph.</returns>
    (Tensor Logits, Tensor Attention) ForwardWithAttention(Tensor images);
}
