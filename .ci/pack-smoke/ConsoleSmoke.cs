// The console half of .ci/pack-smoke.sh: compiled in a fresh `dotnet new console` project that references the MixAug
// package just packed, never the source. It uses only MixAug's most stable calls; update it here when they change.
//
// Each image is filled with its own class index and labels are one class per image, so after mixing, the mean pixel of
// image i must equal the mean class of its soft-target row: sum over c of c * target[i, c]. That holds for Mixup (a
// blend with weight lambda) and for CutMix (lambda is the exact share of own pixels), so it checks that the packed
// mixer and label mixer agree. The script reads the last line.
using MixAug.Cpu;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Randomness;
using MixAug.Transforms;

const int BatchSize = 8;
var shape = new BatchShape(batchSize: BatchSize, channels: 3, height: 16, width: 16);
int[] labels = Enumerable.Range(0, BatchSize).ToArray();

int agree = 0, changed = 0;
Check(new MixUp(alpha: 0.8).CreatePlan(shape, MixRandom.ForBatch(seed: 42, epoch: 0, batchIndex: 0)));
Check(new CutMix(alpha: 1.0).CreatePlan(shape, MixRandom.ForBatch(seed: 42, epoch: 0, batchIndex: 1)));
Console.WriteLine($"pack smoke: {2 * BatchSize} samples mixed, {changed} changed, pixels agree with labels: {agree}/{2 * BatchSize}");

void Check(MixPlan plan)
{
    float[] pixels = new float[shape.ElementCount];
    int sampleSize = pixels.Length / BatchSize;
    for (int i = 0; i < BatchSize; i++)
    {
        pixels.AsSpan(i * sampleSize, sampleSize).Fill(i);
    }

    CpuMixer.ApplyInPlace(plan, pixels);
    float[] targets = LabelMixer.ToSoftTargets(plan, labels, classCount: BatchSize, smoothing: 0.0);
    for (int i = 0; i < BatchSize; i++)
    {
        double meanPixel = 0, meanClass = 0;
        foreach (float p in pixels.AsSpan(i * sampleSize, sampleSize))
        {
            meanPixel += p;
        }

        meanPixel /= sampleSize;
        for (int c = 0; c < BatchSize; c++)
        {
            meanClass += c * targets[(i * BatchSize) + c];
        }

        agree += Math.Abs(meanPixel - meanClass) < 1e-4 ? 1 : 0;
        changed += Math.Abs(meanPixel - i) > 1e-4 ? 1 : 0;
    }
}
