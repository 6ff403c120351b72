using MixAug.Randomness;

namespace MixAug.TorchSharp.Tests.Data;

/// <summary>
/// The values of one carried key in every sample of a batch, drawn before any tensor is made (small integers, or
/// quarters for floating dtypes, so every dtype holds them exactly), and the batch stacked, padded and gathered by hand
/// from those values (no torch call), to compare <c>MixCollate</c>'s carried tensors with.
/// </summary>
internal sealed class CarriedValues
{
    private CarriedValues(string name, ScalarType type, long[] trailing, long[] firsts, bool padded, double[][] values)
    {
        Name = name;
        Type = type;
        Trailing = trailing;
        Firsts = firsts;
        IsPadded = padded;
        Values = values;
    }

    public string Name { get; }

    public ScalarType Type { get; }

    /// <summary>The dimensions after the first (all of them for a stacked key, whose "first" is then the 0-dim case's nothing).</summary>
    public long[] Trailing { get; }

    /// <summary>Each sample's first dimension (padded keys), or empty for a stacked key.</summary>
    public long[] Firsts { get; }

    public bool IsPadded { get; }

    /// <summary>Each sample's values, row-major.</summary>
    public double[][] Values { get; }

    public int Count => Values.Length;

    public long Longest => IsPadded ? Firsts.Max() : 0;

    /// <summary>The shape of the carried batch: <c>[B, longest, trailing...]</c> padded, <c>[B, trailing...]</c> stacked.</summary>
    public long[] BatchShape => IsPadded ? [Count, Longest, .. Trailing] : [Count, .. Trailing];

    /// <summary>
    /// <paramref name="count"/> samples of <paramref name="type"/>: with <paramref name="padded"/> each of its own first
    /// dimension in [0, maxFirst] (sample 1 at maxFirst when there are two or more, so the batch is ragged) then
    /// <paramref name="trailing"/>; otherwise all of shape <paramref name="trailing"/>.
    /// </summary>
    public static CarriedValues Draw(MixRandom random, string name, ScalarType type, int count, long[] trailing, bool padded, int maxFirst = 5)
    {
        long inner = trailing.Aggregate(1L, (a, d) => a * d);
        var firsts = new long[padded ? count : 0];
        var values = new double[count][];
        for (int i = 0; i < count; i++)
        {
            long first = 1;
            if (padded)
            {
                firsts[i] = first = i == 1 ? maxFirst : random.NextInt(maxFirst + 1);
            }

            values[i] = new double[first * inner];
            for (int k = 0; k < values[i].Length; k++)
            {
                values[i][k] = Draw(random, type);
            }
        }

        return new CarriedValues(name, type, trailing, firsts, padded, values);
    }

    /// <summary>Sample i's tensor, of its own shape and the key's dtype.</summary>
    public Tensor Tensor(int i)
    {
        long[] shape = IsPadded ? [Firsts[i], .. Trailing] : Trailing;
        using Tensor doubles = tensor(Values[i], shape, ScalarType.Float64);
        return doubles.to(Type);
    }

    /// <summary>The carried batch by hand: row i is sample i's values, then <paramref name="pad"/> up to the longest.</summary>
    public double[] Expected(double pad) => Gathered([.. Enumerable.Range(0, Count)], pad);

    /// <summary>Rows of the given samples, in order, each padded to the batch's longest (as the carried batch holds them).</summary>
    public double[] Gathered(int[] samples, double pad)
    {
        long inner = Trailing.Aggregate(1L, (a, d) => a * d);
        long row = IsPadded ? Longest * inner : inner;
        var batch = new double[samples.Length * row];
        for (int i = 0; i < samples.Length; i++)
        {
            double[] own = Values[samples[i]];
            for (long k = 0; k < row; k++)
            {
                batch[(i * row) + k] = k < own.Length ? own[k] : pad;
            }
        }

        return batch;
    }

    /// <summary>Each given sample's own first dimension, as doubles.</summary>
    public double[] LengthsOf(int[] samples) => [.. samples.Select(s => (double)Firsts[s])];

    private static double Draw(MixRandom random, ScalarType type) => type switch
    {
        ScalarType.Bool => random.NextInt(2),
        ScalarType.Byte => random.NextInt(201),
        ScalarType.Float32 or ScalarType.Float64 or ScalarType.Float16 or ScalarType.BFloat16 => (random.NextInt(201) - 100) / 4.0,
        _ => random.NextInt(201) - 100,
    };
}
