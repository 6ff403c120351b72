using MixAug.Masks;
using MixAug.Planning;
using MixAug.Regions;

namespace MixAug.Cpu;

/// <summary>
/// Rasterises the masks of one plan that are ranked from computed values (FMix's Fourier masks, SaliencyMix's saliency
/// masks) into one buffer, one plane per masked sample, with <see cref="RegionRasterizer"/>. Samples that rank the same values (a noise image
/// shared by the batch, the map of one partner) share one synthesis and one ranking. Work is spread over the worker
/// threads: by group when there are enough groups, otherwise the few rankings first and then the masks by sample.
/// The buffers are kept for the next call, so a warmed-up call allocates nothing.
/// </summary>
internal sealed class MaskRaster : IParallelWork
{
    private readonly Dictionary<FourierNoise, int> _noiseGroups = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<(Saliency.SaliencyMaps, int), int> _mapGroups = [];
    private readonly List<RasterWorkspace> _workspaces = [];
    private float[] _buffer = [];
    private int[] _groupOf = [];      // per masked sample: its group
    private int[] _samples = [];      // masked samples, in batch order
    private int[] _representative = []; // per group: one sample whose region holds the group's values
    private int[] _groupSize = [];      // per group: its number of masked samples
    private int _count;
    private int _groups;
    private bool _byGroup;
    private bool _rankingPhase;

    private MixPlan _plan = null!;
    private SampleOp[] _ops = [];
    private int _plane;
    private MixConfiguration _configuration = null!;

    /// <summary>Rasterises every ranked mask of <paramref name="plan"/> and points their ops at the buffer.</summary>
    /// <returns>The buffer (empty when the plan has no ranked mask).</returns>
    public float[] Rasterise(MixPlan plan, SampleOp[] ops, int plane, MixConfiguration configuration, WorkerPool workers, int maxParts)
    {
        int b = plan.BatchSize;
        _count = 0;
        for (int i = 0; i < b; i++)
        {
            _count += ops[i].Ranked ? 1 : 0;
        }

        if (_count == 0)
        {
            return _buffer;
        }

        if (plane != plan.Spatial.Size)
        {
            throw new InvalidOperationException("Masks are rasterised over the plan's extent only."); // BatchLayout guarantees it
        }

        Grow(ref _samples, _count);
        Grow(ref _groupOf, _count);
        Grow(ref _representative, _count);
        Grow(ref _groupSize, _count);
        if ((long)_buffer.Length < (long)_count * plane)
        {
            _buffer = GC.AllocateUninitializedArray<float>(checked(_count * plane));
        }

        _noiseGroups.Clear();
        _mapGroups.Clear();
        _groups = 0;
        int m = 0;
        for (int i = 0; i < b; i++)
        {
            if (!ops[i].Ranked)
            {
                continue;
            }

            MixRegion region = plan.Regions[i];
            int group = region switch
            {
                FourierMaskRegion fourier => GroupOf(_noiseGroups, fourier.Noise, i),
                SaliencyMaskRegion saliency => GroupOf(_mapGroups, (saliency.Maps, saliency.MapIndex), i),
                _ => throw new InvalidOperationException($"A {region.Kind} region is not ranked."),
            };
            _samples[m] = i;
            _groupOf[m] = group;
            _groupSize[group]++;
            ops[i].MaskOffset = m * plane;
            ops[i].Mask = _buffer;
            m++;
        }

        _plan = plan;
        _ops = ops;
        _plane = plane;
        _configuration = configuration;
        int parts = Math.Max(1, maxParts);
        try
        {
            _byGroup = _groups >= parts || parts == 1;
            if (_byGroup)
            {
                EnsureWorkspaces(parts);
                workers.Run(this, Math.Min(parts, _groups));
            }
            else
            {
                // Few groups (a noise image shared by the batch): rank each once, in parallel, then write the masks
                // of all samples in parallel from the shared rankings.
                EnsureWorkspaces(_groups);
                _rankingPhase = true;
                workers.Run(this, _groups);
                _rankingPhase = false;
                workers.Run(this, Math.Min(parts, _count));
            }
        }
        finally
        {
            _plan = null!;
            _ops = [];
            _configuration = null!;
        }

        return _buffer;
    }

    public void Execute(int part, int parts)
    {
        if (_byGroup)
        {
            RasterWorkspace workspace = _workspaces[part];
            int first = (int)((long)_groups * part / parts), end = (int)((long)_groups * (part + 1) / parts);
            for (int group = first; group < end; group++)
            {
                if (_groupSize[group] == 1)
                {
                    // Values of one mask (a noise image of its own): thresholded without a ranking of their own.
                    int sample = _representative[group];
                    RegionRasterizer.WriteComputedMask(_plan.Regions[sample], _plan.Spatial, _configuration, workspace, _buffer.AsSpan(_ops[sample].MaskOffset, _plane));
                    continue;
                }

                Rank(group, workspace);
                for (int k = 0; k < _count; k++)
                {
                    if (_groupOf[k] == group)
                    {
                        Write(k, workspace);
                    }
                }
            }

            return;
        }

        if (_rankingPhase)
        {
            // Each group has a workspace of its own, read by every part in the next phase.
            int firstGroup = (int)((long)_groups * part / parts), endGroup = (int)((long)_groups * (part + 1) / parts);
            for (int group = firstGroup; group < endGroup; group++)
            {
                Rank(group, _workspaces[group]);
            }

            return;
        }

        int from = (int)((long)_count * part / parts), to = (int)((long)_count * (part + 1) / parts);
        for (int k = from; k < to; k++)
        {
            Write(k, _workspaces[_groupOf[k]]);
        }
    }

    /// <summary>True when no two ranked masks of the plan share their values (no noise image shared by the batch).</summary>
    public bool EverySampleRanksItsOwnValues(MixPlan plan, SampleOp[] ops)
    {
        _noiseGroups.Clear();
        _mapGroups.Clear();
        for (int i = 0; i < plan.BatchSize; i++)
        {
            if (!ops[i].Ranked)
            {
                continue;
            }

            bool added = plan.Regions[i] switch
            {
                FourierMaskRegion fourier => _noiseGroups.TryAdd(fourier.Noise, i),
                SaliencyMaskRegion saliency => _mapGroups.TryAdd((saliency.Maps, saliency.MapIndex), i),
                _ => false,
            };
            if (!added)
            {
                return false;
            }
        }

        return true;
    }

    private int GroupOf<TKey>(Dictionary<TKey, int> groups, TKey key, int sample)
        where TKey : notnull
    {
        if (!groups.TryGetValue(key, out int group))
        {
            group = _groups++;
            groups[key] = group;
            _representative[group] = sample;
            _groupSize[group] = 0;
        }

        return group;
    }

    private void Rank(int group, RasterWorkspace workspace)
    {
        int sample = _representative[group];
        MixRegion region = _plan.Regions[sample];
        Span<float> values = workspace.Values(RegionRasterizer.RankedCount(region, _plan.Spatial));
        RegionRasterizer.FillValues(region, _plan.Spatial, _configuration, values);
        workspace.Ranking.Build(values);
    }

    private void Write(int k, RasterWorkspace workspace)
    {
        int sample = _samples[k];
        RegionRasterizer.WriteRankedMask(_plan.Regions[sample], _plan.Spatial, workspace, _buffer.AsSpan(_ops[sample].MaskOffset, _plane), rankingBuilt: true);
    }

    private void EnsureWorkspaces(int count)
    {
        while (_workspaces.Count < count)
        {
            _workspaces.Add(new RasterWorkspace());
        }
    }

    private static void Grow(ref int[] array, int count)
    {
        if (array.Length < count)
        {
            array = new int[count];
        }
    }
}
