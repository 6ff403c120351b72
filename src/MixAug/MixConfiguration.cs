using MixAug.Cpu;
using MixAug.Masks;
using MixAug.Planning;

namespace MixAug;

/// <summary>
/// Everything MixAug keeps between calls, in one object: the degree of parallelism and the worker threads of the CPU
/// kernels, the cache of FMix synthesis tables, and the scratch buffers that keep a mixing call free of allocations.
/// Pass one to the entry points that take it (<see cref="CpuMixer"/>, <see cref="CpuFeatures"/>,
/// <see cref="FourierNoise.Synthesize"/>); callers who pass none share <see cref="Default"/>. Modelled on ImageSharp's
/// <c>Configuration</c>.
/// </summary>
/// <remarks>
/// <para>Results never depend on the configuration: every kernel gives the same bits for any degree of parallelism.</para>
/// <para>The synthesis cache holds at most <see cref="CacheCapacity"/> tables and evicts the least recently used one
/// when it is full; it is never emptied wholesale, so a training loop that alternates a few shapes never rebuilds. The
/// default of 128 holds a table for every common length a batch of up to 256 sequences pairs (FMix with valid lengths
/// builds one per length; 32, the default before, made a flip-paired batch of 128 with 64 lengths rebuild tables on
/// every call). Tables take about 54 KB for a sequence of 1000, 655 KB for 224x224 and 2.5 MB for 16x112x112.</para>
/// </remarks>
/// <threadsafety>Safe to share between threads; calls that find the worker threads busy run on the calling thread.</threadsafety>
public sealed class MixConfiguration
{
    private readonly Lazy<WorkerPool> _workers;
    private readonly object _cacheGate = new();
    private readonly Dictionary<(SpatialShape, double, FourierSpectrum), LinkedListNode<(SpatialShape, double, FourierSpectrum, FourierSynthesis)>> _synthesis = [];
    private readonly LinkedList<(SpatialShape Spatial, double Decay, FourierSpectrum Spectrum, FourierSynthesis Tables)> _recent = new();
    private readonly Dictionary<Type, Stack<object>> _scratch = [];

    /// <summary>Creates a configuration.</summary>
    /// <param name="maxDegreeOfParallelism">Threads a CPU call may use (the caller's included), at least 1; −1 for
    /// <see cref="Environment.ProcessorCount"/>.</param>
    /// <param name="cacheCapacity">Most FMix synthesis tables kept (one per extent, decay power and spectrum), at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is out of range.</exception>
    public MixConfiguration(int maxDegreeOfParallelism = -1, int cacheCapacity = 128)
    {
        if (maxDegreeOfParallelism == -1)
        {
            maxDegreeOfParallelism = Environment.ProcessorCount;
        }

        if (maxDegreeOfParallelism < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxDegreeOfParallelism), maxDegreeOfParallelism, $"maxDegreeOfParallelism must be at least 1, or -1 for the processor count; it was {maxDegreeOfParallelism}.");
        }

        if (cacheCapacity < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(cacheCapacity), cacheCapacity, $"cacheCapacity must be at least 1; it was {cacheCapacity}.");
        }

        MaxDegreeOfParallelism = maxDegreeOfParallelism;
        CacheCapacity = cacheCapacity;
        _workers = new Lazy<WorkerPool>(() => new WorkerPool(maxDegreeOfParallelism - 1), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The configuration of callers who pass none: all processors, 128 cached tables.</summary>
    public static MixConfiguration Default { get; } = new();

    /// <summary>Threads a CPU call may use, the caller's included.</summary>
    public int MaxDegreeOfParallelism { get; }

    /// <summary>Most FMix synthesis tables kept.</summary>
    public int CacheCapacity { get; }

    /// <summary>Number of synthesis tables held now.</summary>
    public int CachedTableCount
    {
        get
        {
            lock (_cacheGate)
            {
                return _synthesis.Count;
            }
        }
    }

    /// <summary>The worker threads (started on first use).</summary>
    internal WorkerPool Workers => _workers.Value;

    /// <summary>The synthesis tables of one key, built on first use and kept while recently used.</summary>
    internal FourierSynthesis Synthesis(SpatialShape spatial, double decayPower, FourierSpectrum spectrum)
    {
        var key = (spatial, decayPower, spectrum);
        lock (_cacheGate)
        {
            if (_synthesis.TryGetValue(key, out var node))
            {
                _recent.Remove(node);
                _recent.AddFirst(node);
                return node.Value.Item4;
            }
        }

        // Built outside the lock: two threads may build the same tables once, and the first one in is kept.
        FourierSynthesis built = FourierSynthesis.Create(spatial, decayPower, spectrum);
        lock (_cacheGate)
        {
            if (_synthesis.TryGetValue(key, out var node))
            {
                return node.Value.Item4;
            }

            if (_synthesis.Count >= CacheCapacity)
            {
                var oldest = _recent.Last!;
                _recent.RemoveLast();
                _synthesis.Remove((oldest.Value.Spatial, oldest.Value.Decay, oldest.Value.Spectrum));
            }

            _synthesis[key] = _recent.AddFirst((spatial, decayPower, spectrum, built));
            return built;
        }
    }

    /// <summary>Takes a scratch object of type <typeparamref name="T"/> (a returned one when there is one).</summary>
    internal T Rent<T>()
        where T : class, new()
    {
        lock (_scratch)
        {
            if (_scratch.TryGetValue(typeof(T), out Stack<object>? stack) && stack.Count > 0)
            {
                return (T)stack.Pop();
            }
        }

        return new T();
    }

    /// <summary>Gives a scratch object back for the next call (a few are kept per type).</summary>
    internal void Return<T>(T item)
        where T : class
    {
        lock (_scratch)
        {
            if (!_scratch.TryGetValue(typeof(T), out Stack<object>? stack))
            {
                _scratch[typeof(T)] = stack = new Stack<object>();
            }

            if (stack.Count < 2 * MaxDegreeOfParallelism)
            {
                stack.Push(item);
            }
        }
    }
}
