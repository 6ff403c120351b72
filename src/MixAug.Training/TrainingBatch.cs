using static TorchSharp.torch;

namespace MixAug.Training;

/// <summary>One batch of a batch source: images <c>[B, C, H, W]</c> (floating point) and int64 class labels <c>[B]</c>.</summary>
/// <param name="Images">The images.</param>
/// <param name="Labels">The class of each image.</param>
/// <remarks>Ownership: the loop asks the source for a batch inside the step's dispose scope, so tensors the source
/// creates while it is asked are disposed when the step ends. A source that hands out tensors it keeps must give
/// clones.</remarks>
public sealed record TrainingBatch(Tensor Images, Tensor Labels);
