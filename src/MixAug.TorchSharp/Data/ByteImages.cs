namespace MixAug.TorchSharp.Data;

/// <summary>What <see cref="MixCollate"/> does with uint8 images (datasets that yield raw bytes).</summary>
public enum ByteImages
{
    /// <summary>
    /// Convert to float32 in [0, 1] by <c>x.to(Float32).div_(255)</c>, after the batch is on its device (so a GPU
    /// batch crosses the bus as bytes), then mix: every plan works. Other dtypes are left as they are.
    /// </summary>
    ToUnitFloat,

    /// <summary>
    /// Keep uint8 and mix the bytes: exact, and a quarter of the memory, but only plans that select pixels work (CutMix
    /// boxes, binary FMix masks, SaliencyMix boxes); a plan that blends (Mixup, soft masks) is rejected with an
    /// <see cref="ArgumentException"/> naming the images key, before the batch counter moves.
    /// </summary>
    Keep,
}
