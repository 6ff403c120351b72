// Context "torch-training": a fragment about a TorchSharp training loop may use these: the number of steps, the
// (seed, epoch) that MixRandom.ForBatch takes with the step, a loader whose Next() gives images [B, 3, H, W] and
// int64 labels [B], a model and its optimizer. Kept tiny so that running the fragment takes a moment: two steps of a
// linear model over 4 random 3x16x16 images and 1000 classes.
using TorchSharp;
using static TorchSharp.torch;

int steps = 2;
ulong seed = 42;
int epoch = 0;
var loader = new DocBatches(batchSize: 4, classCount: 1000);
var model = nn.Sequential(nn.Flatten(), nn.Linear(3 * 16 * 16, 1000));
var optimizer = optim.SGD(model.parameters(), 0.01);

// <snippet>

/// <summary>Random batches, as a data loader would give them.</summary>
sealed class DocBatches(int batchSize, int classCount)
{
    public (Tensor Images, Tensor Labels) Next() =>
        (rand(batchSize, 3, 16, 16), randint(classCount, [batchSize], dtype: ScalarType.Int64));
}
