using MixAug.Randomness;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// Samples of one batch whose time extents differ: sequences <c>[C, L_i]</c> (<see cref="Plane"/> 1) or clips
/// <c>[C, T_i, H, W]</c>, with known values, and the batch padded by hand from those values (no torch call), to compare
/// <c>MixCollate</c>'s padding with.
/// </summary>
internal sealed class RaggedSamples
{
    private RaggedSamples(int channels, int height, int width, int[] extents, float[][] values, bool clip)
    {
        Channels = channels;
        Height = height;
        Width = width;
        Extents = extents;
        Values = values;
        IsClip = clip;
    }

    public int Channels { get; }

    public int Height { get; }

    public int Width { get; }

    /// <summary>Each sample's own time extent.</summary>
    public int[] Extents { get; }

    /// <summary>Each sample's values, row-major <c>[C, T_i, H, W]</c>.</summary>
    public float[][] Values { get; }

    public bool IsClip { get; }

    public int Plane => Height * Width;

    public int Count => Extents.Length;

    public int MaxExtent => Extents.Max();

    /// <summary>The batch shape after padding to the longest sample.</summary>
    public BatchShape Shape => IsClip
        ? BatchShape.Volume(Count, Channels, MaxExtent, Height, Width)
        : BatchShape.Sequence(Count, Channels, MaxExtent);

    /// <summary>Random extents in [1, maxExtent] (the first sample at maxExtent when <paramref name="ragged"/>, so the batch
    /// extent is known) and values spread over [-2, 2).</summary>
    public static RaggedSamples Draw(MixRandom random, int count, bool clip, int maxExtent)
    {
        int channels = 1 + random.NextInt(3);
        int height = clip ? 1 + random.NextInt(5) : 1, width = clip ? 1 + random.NextInt(5) : 1;
        var extents = new int[count];
        var values = new float[count][];
        for (int i = 0; i < count; i++)
        {
            extents[i] = i == 0 ? maxExtent : 1 + random.NextInt(maxExtent);
            values[i] = new float[channels * extents[i] * height * width];
            for (int k = 0; k < values[i].Length; k++)
            {
                values[i][k] = (float)((random.NextDouble() * 4.0) - 2.0);
            }
        }

        return new RaggedSamples(channels, height, width, extents, values, clip);
    }

    /// <summary>Samples [start, start + count) as a batch of their own.</summary>
    public RaggedSamples Slice(int start, int count) =>
        new(Channels, Height, Width, Extents[start..(start + count)], Values[start..(start + count)], IsClip);

    /// <summary>Sample i as a tensor of its own shape.</summary>
    public Tensor Tensor(int i) => IsClip
        ? tensor(Values[i], [Channels, Extents[i], Height, Width], ScalarType.Float32)
        : tensor(Values[i], [Channels, Extents[i]], ScalarType.Float32);

    /// <summary>The samples as a collate's input, labelled <c>i mod classes</c>.</summary>
    public List<Dictionary<string, Tensor>> Dictionaries(int classes) =>
        [.. Enumerable.Range(0, Count).Select(i => new Dictionary<string, Tensor> { ["data"] = Tensor(i), ["label"] = tensor((long)(i % classes)) })];

    /// <summary>The batch padded by hand with <paramref name="pad"/>: element (i, c, t, p) is sample i's (c, t, p) for t &lt; T_i.</summary>
    public float[] PaddedByHand(float pad)
    {
        int tMax = MaxExtent, plane = Plane;
        var batch = new float[Count * Channels * tMax * plane];
        Array.Fill(batch, pad);
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < Channels; c++)
            {
                for (int t = 0; t < Extents[i]; t++)
                {
                    for (int p = 0; p < plane; p++)
                    {
                        batch[((((i * Channels) + c) * tMax) + t) * plane + p] = Values[i][(((c * Extents[i]) + t) * plane) + p];
                    }
                }
            }
        }

        return batch;
    }

    /// <summary>The time position of element k of the padded batch.</summary>
    public int TimeOf(int k) => k / Plane % MaxExtent;

    /// <summary>The sample of element k of the padded batch.</summary>
    public int SampleOf(int k) => k / (Channels * MaxExtent * Plane);
}
