using MixAug.Internal;
using MixAug.Labels;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// Mixes several aligned arrays by one plan in one call: images, a second view, depth, per-pixel weights, integer maps
/// — float32, uint8, int32 and int64 batches <c>[B, …, spatial…]</c> that share the batch and the plan's extent. The plan
/// is immutable and holds every random choice, so element e of sample i comes from the same sources with the same
/// weights in every array.
/// </summary>
/// <remarks>
/// <para>float32 and uint8 arrays are mixed by <see cref="CpuMixer"/> (any plan; in place when a destination is its
/// source). int32 and int64 arrays are copied element by element from the source their region gives them, so they take
/// plans that only select (keeps, boxes, tiles, hard masks) and need a separate destination; class maps under blends
/// and soft masks belong to <see cref="LabelMapMixer"/>.</para>
/// <para>Every pair of arrays is checked before any is written.</para>
/// </remarks>
/// <threadsafety>Safe to call from several threads on different destinations.</threadsafety>
public static class AlignedArrays
{
    /// <summary>Mixes <c>sources[k]</c> into <c>destinations[k]</c> for every k, by <paramref name="plan"/>.</summary>
    /// <param name="plan">The plan, drawn once for the batch.</param>
    /// <param name="sources">The arrays: <c>float[]</c>, <c>byte[]</c>, <c>int[]</c> or <c>long[]</c>, each B whole samples whose trailing extent is the plan's.</param>
    /// <param name="destinations">One array of the same type and length per source.</param>
    /// <param name="configuration">Threads and scratch; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <exception cref="ArgumentNullException">An argument or an array is null.</exception>
    /// <exception cref="ArgumentException">The lists differ in length or are empty, an array has an unsupported type,
    /// a destination's type or length differs from its source's, a length does not fit the plan, an integer array shares
    /// memory with its destination, or the plan blends and an array is an integer one.</exception>
    public static void Apply(MixPlan plan, IReadOnlyList<Array> sources, IReadOnlyList<Array> destinations, MixConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentNullException.ThrowIfNull(destinations);
        if (sources.Count == 0 || destinations.Count != sources.Count)
        {
            throw new ArgumentException($"There are {sources.Count} sources and {destinations.Count} destinations; give one destination per source, at least one.", nameof(destinations));
        }

        for (int k = 0; k < sources.Count; k++)
        {
            Check(plan, sources[k], destinations[k], k);
        }

        configuration ??= MixConfiguration.Default;
        var pixelSources = new PixelSources { Configuration = configuration };
        for (int k = 0; k < sources.Count; k++)
        {
            switch (sources[k])
            {
                case float[] floats: CpuMixer.Apply(plan, floats, (float[])destinations[k], configuration); break;
                case byte[] bytes: CpuMixer.Apply(plan, bytes, (byte[])destinations[k], configuration); break;
                case int[] ints: Select(plan, ints, (int[])destinations[k], pixelSources); break;
                default: Select(plan, (long[])sources[k], (long[])destinations[k], pixelSources); break;
            }
        }
    }

    private static void Check(MixPlan plan, Array? source, Array? destination, int k)
    {
        if (source is null || destination is null)
        {
            throw new ArgumentNullException(source is null ? "sources" : "destinations", $"Array {k} is null.");
        }

        string name = $"sources[{k}]";
        if (source is not (float[] or byte[] or int[] or long[]))
        {
            throw new ArgumentException($"{name} is a {source.GetType().Name}; aligned arrays are float[], byte[], int[] or long[].", "sources");
        }

        if (destination.GetType() != source.GetType() || destination.Length != source.Length)
        {
            throw new ArgumentException($"destinations[{k}] is a {destination.GetType().Name} of {destination.Length} elements but {name} is a {source.GetType().Name} of {source.Length}.", "destinations");
        }

        try
        {
            BatchLayout.For(plan, source.Length, name);
        }
        catch (ArgumentException e)
        {
            throw Guard.Rename(e, "sources");
        }

        switch (source)
        {
            case byte[] when MixJob<byte, ByteKernels>.Unsupported(plan) is string reason:
                throw new ArgumentException($"{name}: {reason}", nameof(plan));
            case int[] or long[]:
                if (ReferenceEquals(source, destination))
                {
                    throw new ArgumentException($"destinations[{k}] is {name} itself; integer arrays are mixed into a separate array.", "destinations");
                }

                for (int i = 0; i < plan.BatchSize; i++)
                {
                    if (!plan.Regions[i].Accept(SelectsOnly.Instance))
                    {
                        throw new ArgumentException(
                            $"{name} is a {source.GetType().Name}, but sample {i}'s region ({plan.Regions[i]}) blends; integer arrays take plans that only select. Mix class maps with LabelMapMixer, other values in float32.", nameof(plan));
                    }
                }

                break;
        }
    }

    /// <summary>Copies every element from the source its (selecting) region gives it, channel by channel.</summary>
    private static void Select<T>(MixPlan plan, T[] source, T[] destination, PixelSources pixelSources)
    {
        int length = source.Length / plan.BatchSize, n = plan.Spatial.Size;
        for (int i = 0; i < plan.BatchSize; i++)
        {
            ReadOnlySpan<int> batch = plan.Sources(i);
            Span<T> output = destination.AsSpan(i * length, length);
            switch (plan.Regions[i])
            {
                case BoxRegion { HasFrameRange: false } box: // a cuboid goes through its rasterised slots below
                    LabelMapMixer.CopyRects<T>(source, output, length, plan.Spatial, i, [new Tile(1, box.Top, box.Left, box.Bottom, box.Right)], batch, 0, int.MaxValue);
                    continue;
                case TileRegion tiles:
                    LabelMapMixer.CopyRects<T>(source, output, length, plan.Spatial, i, tiles.Tiles, batch, tiles.FirstFrame, tiles.EndFrame ?? int.MaxValue);
                    continue;
            }

            pixelSources.Load(plan, i);
            if (pixelSources.Current == PixelSources.Form.Whole)
            {
                source.AsSpan(batch[pixelSources.ConstantSlot] * length, length).CopyTo(output);
                continue;
            }

            // A hard mask: weight 1 takes the sample's element, 0 the partner's, in every channel.
            ReadOnlySpan<float> own = pixelSources.Own;
            for (int start = 0; start < length; start += n)
            {
                for (int e = 0; e < n; e++)
                {
                    output[start + e] = own[e] == 1f ? source[(batch[0] * length) + start + e] : source[(batch[1] * length) + start + e];
                }
            }
        }
    }
}
