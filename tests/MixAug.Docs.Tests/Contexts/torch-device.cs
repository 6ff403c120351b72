// Context "torch-device": a fragment about moving a batch to a device may use a CPU batch (images [4, 3, 16, 16]
// float32, int64 labels [4]) and a MixModule that mixes it (Mixup, 10 classes).
using MixAug.Randomness;
using MixAug.TorchSharp.Mixing;
using MixAug.Transforms;
using TorchSharp;
using static TorchSharp.torch;

using Tensor cpuImages = rand(4, 3, 16, 16);
using Tensor cpuLabels = tensor(new long[] { 0, 1, 2, 3 });
var mix = new MixModule(new MixUp(alpha: 1.0), MixRandom.ForBatch(seed: 1, epoch: 0, batchIndex: 0), classCount: 10);

// <snippet>
