using MixAug.TorchSharp.Data;
using MixAug.Transforms;
using TorchSharp;
using TorchSharp.Modules;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Aligned keys through TorchSharp's DataLoader, shuffled, with 1 and 3 worker threads over two epochs: every output
/// pixel's mask class and 1x1 box are those of the pixel the mixed image shows, the batches do not depend on the
/// worker count, and the loader disposes the aligned tensors with their batch.
/// </summary>
public sealed class MixCollateAlignedLoaderTests
{
    private const int Count = 11;
    private const int BatchSize = 4;
    private const int Size = 6;
    private const int Plane = Size * Size;

    /// <summary>Sample i: an image whose pixel p holds i·36 + p, a mask of class (i + p) mod 4 and a 1x1 box of class
    /// i·36 + p on every pixel.</summary>
    private static InMemoryDataset Dataset() =>
        new([.. Enumerable.Range(0, Count).Select(i => new Dictionary<string, Tensor>
        {
            ["data"] = arange(Plane, dtype: ScalarType.Float32).reshape(1, Size, Size) + (i * Plane),
            ["label"] = tensor((long)i),
            ["mask"] = ((arange(Plane, dtype: ScalarType.Int64) + i) % 4).reshape(Size, Size),
            ["boxes"] = tensor([.. Enumerable.Range(0, Plane).SelectMany(p => new float[] { p % Size, p / Size, (p % Size) + 1, (p / Size) + 1 })], [Plane, 4]),
            ["box_classes"] = arange(Plane, dtype: ScalarType.Int64) + (i * Plane),
        })]);

    private static MixCollate Collate() => new(
        new MixChoice((new CutMix(mode: LambdaMode.Element), 1), (new GridMix(mode: LambdaMode.Element), 1), (new Mosaic(shrinkTiles: false), 1)),
        5,
        Count,
        options: new() { AlignedKeys = [AlignedKey.LabelMap("mask", 4), AlignedKey.Boxes("boxes", "box_classes")] });

    [TestCase(1)]
    [TestCase(3)]
    public void Every_batch_of_two_epochs_has_the_masks_and_boxes_of_the_pixels_its_images_show(int workers)
    {
        using InMemoryDataset data = Dataset();
        MixCollate collate = Collate();
        using DataLoader<Dictionary<string, Tensor>, Dictionary<string, Tensor>> loader = Loaders.With(data, collate.Collate, BatchSize, shuffle: true, workers: workers);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            collate.StartEpoch(epoch);
            int batches = 0;
            foreach (Dictionary<string, Tensor> batch in loader)
            {
                string what = $"epoch {epoch} batch {batches++} ({collate.LastBatch!.Plan.TransformName})";
                double[] images = Loaders.Values(batch["data"]), masks = Loaders.Values(batch["mask"]), corners = Loaders.Values(batch["boxes"]), classes = Loaders.Values(batch["box_classes"]);
                int b = (int)batch["data"].shape[0], most = (int)batch["boxes"].shape[1];
                Assert.That(Loaders.Values(batch[MixBatchKeys.LengthsOf("boxes")]), Is.All.EqualTo((double)Plane), what);
                for (int i = 0; i < b; i++)
                {
                    var boxAt = new Dictionary<int, double>();
                    for (int m = 0; m < Plane; m++)
                    {
                        int at = (i * most) + m;
                        boxAt[((int)corners[(4 * at) + 1] * Size) + (int)corners[4 * at]] = classes[at];
                    }

                    for (int p = 0; p < Plane; p++)
                    {
                        int shown = (int)images[(i * Plane) + p], source = shown / Plane;
                        Assert.That(masks[(i * Plane) + p], Is.EqualTo((source + (shown % Plane)) % 4), $"{what}, output {i}, pixel {p}: mask");
                        Assert.That(boxAt[p], Is.EqualTo(shown), $"{what}, output {i}, pixel {p}: box");
                    }
                }
            }

            Assert.That(batches, Is.EqualTo(3));
        }
    }

    [Test]
    public void The_batches_do_not_depend_on_the_worker_count_and_the_loader_disposes_them()
    {
        using InMemoryDataset data = Dataset();
        List<double[]> one = Loaders.ValuesOfTwoEpochs(data, Collate, BatchSize, workers: 1), three = Loaders.ValuesOfTwoEpochs(data, Collate, BatchSize, workers: 3);
        Assert.That(one, Has.Count.EqualTo(6 * 11), "6 batches of 11 keys: images, labels, targets, the record, the mask and its soft targets, the boxes' four");
        Assert.That(three, Is.EqualTo(one));
    }
}
