// Context "cpu-batch": a fragment about one float batch on the CPU may use the MixAug namespaces below and these
// variables, as a training step would have them: the batch's shape, its planar pixels [B, C, H, W], its class
// indices, the class count and the batch's generator. A fragment's own using directives are placed above this file;
// the fragment itself goes at the snippet line. (See docs/testing.md, "Docs that compile".)
using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

var shape = new BatchShape(batchSize: 8, channels: 3, height: 32, width: 32);
float[] pixels = new float[shape.ElementCount];
int[] labels = [0, 1, 2, 3, 4, 5, 6, 7];
int classCount = 10;
IMixRandom random = MixRandom.ForBatch(seed: 1, epoch: 0, batchIndex: 0);

// <snippet>
