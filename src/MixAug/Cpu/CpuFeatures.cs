using System.Buffers;
using MixAug.Internal;
using MixAug.Planning;
using MixAug.Saliency;

namespace MixAug.Cpu;

/// <summary>
/// Computes the batch features a transform needs (<see cref="IMixTransform.Requirements"/>) from a float32 batch in
/// managed memory, on all processor cores: the CPU backend's half of drawing plans that read the pixels.
/// </summary>
/// <threadsafety>Safe to call from several threads.</threadsafety>
public static class CpuFeatures
{
    /// <summary>Computes every feature in <paramref name="requirements"/> for <paramref name="pixels"/>.</summary>
    /// <param name="requirements">What the transform needs.</param>
    /// <param name="shape">The batch shape.</param>
    /// <param name="pixels">The batch, <c>[B, C, spatial…]</c> row-major float32 (<see cref="BatchShape.ElementCount"/> values). Only read.</param>
    /// <param name="configuration">Threads; null for <see cref="MixConfiguration.Default"/>.</param>
    /// <returns>The features, to pass in a <see cref="MixRequest"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="requirements"/> is null.</exception>
    /// <exception cref="ArgumentException">The shape is empty, <paramref name="pixels"/> has the wrong length, a source
    /// rejects the shape, or a source wrote a non-finite value.</exception>
    public static BatchFeatures Compute(FeatureRequirements requirements, BatchShape shape, ReadOnlySpan<float> pixels, MixConfiguration? configuration = null)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        return Compute(requirements, shape, pixels, configuration, rented: null);
    }

    /// <summary>
    /// The features for drawing one plan (<see cref="CpuPlanning"/>): as <see cref="Compute(FeatureRequirements, BatchShape, ReadOnlySpan{float}, MixConfiguration?)"/>, but grids kept whole come
    /// from the shared array pool, and <see cref="PlanFeatures.Release"/> gives back those the plan does not refer to.
    /// </summary>
    /// <remarks>GuidedMix keeps 128 grids of 64x64 (2 MB) only to pair the samples: a new array each batch cost about
    /// 5 ms on this project's machines, nearly all of it page faults, against 4.8 ms for the grids themselves.</remarks>
    internal static PlanFeatures ComputeForOnePlan(FeatureRequirements requirements, BatchShape shape, ReadOnlySpan<float> pixels, MixConfiguration? configuration)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var rented = new List<(SaliencyMaps, float[])>();
        return new PlanFeatures(Compute(requirements, shape, pixels, configuration, rented), rented);
    }

    private static BatchFeatures Compute(FeatureRequirements requirements, BatchShape shape, ReadOnlySpan<float> pixels, MixConfiguration? configuration, List<(SaliencyMaps, float[])>? rented)
    {
        if (shape.IsEmpty)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        Guard.Length(pixels.Length, shape.ElementCount, nameof(pixels), $"a {shape} batch");
        if (requirements.IsEmpty)
        {
            return BatchFeatures.None;
        }

        configuration ??= MixConfiguration.Default;
        var maps = new List<SaliencyMaps>();
        foreach (SaliencyRequirement need in requirements.Saliency)
        {
            maps.Add(ComputeSaliency(need, shape, pixels, configuration, rented));
        }

        return new BatchFeatures(maps);
    }

    private static unsafe SaliencyMaps ComputeSaliency(SaliencyRequirement need, BatchShape shape, ReadOnlySpan<float> pixels, MixConfiguration configuration, List<(SaliencyMaps, float[])>? rented)
    {
        SpatialShape spatial = shape.Spatial;
        (int gridHeight, int gridWidth) = need.Source.GridSize(spatial);
        if (!(gridHeight == spatial.Height || gridHeight >= 2) || !(gridWidth == spatial.Width || gridWidth >= 2) || (long)gridHeight * gridWidth > int.MaxValue / shape.BatchSize)
        {
            throw new ArgumentException($"The saliency source {need.Source} asks for a {gridHeight}x{gridWidth} grid, which cannot be upsampled to {spatial}.", nameof(shape));
        }

        int cells = gridHeight * gridWidth;
        bool keepGrids = need.Detail == SaliencyDetail.Maps;
        bool pooled = !keepGrids || rented is not null;
        float[] grids = pooled ? ArrayPool<float>.Shared.Rent(shape.BatchSize * cells) : new float[shape.BatchSize * cells];
        var peaks = new int[shape.BatchSize];
        try
        {
            fixed (float* batch = pixels)
            {
                var pass = new SaliencyPass(need.Source, shape, batch, grids, peaks, gridHeight, gridWidth);
                configuration.Workers.Run(pass, Math.Min(shape.BatchSize, configuration.MaxDegreeOfParallelism));
            }

            if (!keepGrids)
            {
                return SaliencyMaps.FromPeaks(need.Source, spatial, peaks);
            }

            SaliencyMaps maps = SaliencyMaps.Create(need.Source, spatial, gridHeight, gridWidth, grids, peaks);
            rented?.Add((maps, grids));
            return maps;
        }
        catch when (pooled && keepGrids)
        {
            ArrayPool<float>.Shared.Return(grids); // no maps were made of them
            throw;
        }
        finally
        {
            if (!keepGrids)
            {
                ArrayPool<float>.Shared.Return(grids);
            }
        }
    }

    /// <summary>Grids and peaks of a range of samples per part.</summary>
    private sealed unsafe class SaliencyPass(ISaliencySource source, BatchShape shape, float* batch, float[] grids, int[] peaks, int gridHeight, int gridWidth) : IParallelWork
    {
        private readonly nint _batch = (nint)batch;

        public void Execute(int part, int parts)
        {
            int b = shape.BatchSize, cells = gridHeight * gridWidth;
            int first = (int)((long)b * part / parts), end = (int)((long)b * (part + 1) / parts);
            for (int i = first; i < end; i++)
            {
                var sample = new ReadOnlySpan<float>((float*)_batch + ((long)i * shape.SampleSize), shape.SampleSize);
                Span<float> grid = grids.AsSpan(i * cells, cells);
                source.ComputeGrid(shape, sample, grid);
                for (int k = 0; k < cells; k++)
                {
                    if (!float.IsFinite(grid[k]))
                    {
                        throw new ArgumentException($"The saliency source {source} wrote a non-finite value ({grid[k]}) for sample {i}.", "source");
                    }
                }

                peaks[i] = SaliencyMaps.PeakOf(grid, gridHeight, gridWidth, shape.Spatial);
            }
        }
    }
}
