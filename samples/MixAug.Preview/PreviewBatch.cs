using MixAug.Planning;

namespace MixAug.Preview;

/// <summary>The batch the preview mixes: uint8 planar pixels and the names of the images they came from.</summary>
/// <param name="Shape">The batch shape.</param>
/// <param name="Pixels">Planar <c>[B, 3, S, S]</c> pixels; plan factories may read them (SaliencyMix needs them) but not change them.</param>
/// <param name="Names">File name of each sample's image.</param>
/// <param name="Targets">The label maps and boxes of the samples (--dense), or null.</param>
internal sealed record PreviewBatch(BatchShape Shape, byte[] Pixels, IReadOnlyList<string> Names, SceneTargets? Targets = null);
