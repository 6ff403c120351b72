using MixAug.Saliency;

namespace MixAug.Planning;

/// <summary>
/// Features of one batch that plans may be drawn from: saliency maps or peaks, computed by the backend that holds the
/// batch (<c>CpuFeatures.Compute</c> for arrays; MixAug.TorchSharp on the tensor's device), and class maps, which only
/// the caller has.
/// </summary>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class BatchFeatures
{
    private readonly SaliencyMaps[] _saliency;

    /// <summary>Creates features from saliency computations (at most one per source) and the batch's class maps.</summary>
    /// <param name="saliency">Saliency maps or peaks of the batch.</param>
    /// <param name="classMaps">The batch's segmentation, or null for none.</param>
    /// <exception cref="ArgumentNullException"><paramref name="saliency"/> or an item is null.</exception>
    /// <exception cref="ArgumentException">Two items come from equal sources, or they are for different batches.</exception>
    public BatchFeatures(IEnumerable<SaliencyMaps> saliency, ClassMaps? classMaps = null)
    {
        ArgumentNullException.ThrowIfNull(saliency);
        _saliency = [.. saliency];
        ClassMaps = classMaps;
        for (int i = 0; i < _saliency.Length; i++)
        {
            SaliencyMaps maps = _saliency[i] ?? throw new ArgumentNullException(nameof(saliency), $"Saliency item {i} is null.");
            for (int j = 0; j < i; j++)
            {
                if (_saliency[j].Source.Equals(maps.Source))
                {
                    throw new ArgumentException($"Saliency items {j} and {i} come from the same source ({maps.Source}).", nameof(saliency));
                }

                if (_saliency[j].BatchSize != maps.BatchSize || _saliency[j].Spatial != maps.Spatial)
                {
                    throw new ArgumentException(
                        $"Saliency item {i} is for {maps.BatchSize} samples of {maps.Spatial} but item {j} for {_saliency[j].BatchSize} of {_saliency[j].Spatial}.",
                        nameof(saliency));
                }
            }

            if (classMaps is not null && (classMaps.BatchSize != maps.BatchSize || classMaps.Spatial != maps.Spatial))
            {
                throw new ArgumentException(
                    $"The class maps are for {classMaps.BatchSize} samples of {classMaps.Spatial} but saliency item {i} for {maps.BatchSize} of {maps.Spatial}.",
                    nameof(classMaps));
            }
        }
    }

    /// <summary>No features.</summary>
    public static BatchFeatures None { get; } = new([]);

    /// <summary>The batch's class maps, or null.</summary>
    public ClassMaps? ClassMaps { get; }

    /// <summary>The saliency computations.</summary>
    public IReadOnlyList<SaliencyMaps> Saliency => _saliency;

    /// <summary>The saliency computed with <paramref name="source"/> (compared with <see cref="object.Equals(object)"/>), or null.</summary>
    /// <param name="source">The source.</param>
    /// <returns>The maps, or null.</returns>
    public SaliencyMaps? SaliencyFrom(ISaliencySource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return Array.Find(_saliency, m => m.Source.Equals(source));
    }

    /// <summary>Throws unless every requirement is met.</summary>
    /// <param name="requirements">What a transform needs.</param>
    /// <param name="transformName">The transform's name, for the message.</param>
    /// <exception cref="ArgumentException">A saliency computation or the class maps are missing, or a saliency
    /// computation holds peaks where maps are needed.</exception>
    public void CheckSatisfies(FeatureRequirements requirements, string transformName) =>
        CheckSatisfies(requirements, transformName, nameof(requirements));

    /// <summary>As the public overload; the exception names <paramref name="paramName"/> (a transform's <c>request</c>).</summary>
    internal void CheckSatisfies(FeatureRequirements requirements, string transformName, string paramName)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        if (requirements.ClassMaps && ClassMaps is null)
        {
            throw new ArgumentException(
                $"{transformName} draws its regions from the batch's class maps, and the request has none. Pass them: new MixRequest(shape, random, new BatchFeatures([], new ClassMaps(spatial, labelMaps))).",
                paramName);
        }

        foreach (SaliencyRequirement need in requirements.Saliency)
        {
            SaliencyMaps? maps = SaliencyFrom(need.Source);
            if (maps is null)
            {
                throw new ArgumentException(
                    $"{transformName} needs saliency {need.Detail.ToString().ToLowerInvariant()} from {need.Source}, and the request has none. Compute the features with the backend that holds the batch (CpuFeatures.Compute for arrays, TorchFeatures.Compute for tensors) and pass them in the MixRequest.",
                    paramName);
            }

            if (need.Detail == SaliencyDetail.Maps && !maps.HasGrids)
            {
                throw new ArgumentException($"{transformName} needs whole saliency maps from {need.Source}, but the request's features hold peaks only.", paramName);
            }
        }
    }

    /// <summary>Throws when the features were computed for another batch shape.</summary>
    internal void CheckBatch(BatchShape shape, string name)
    {
        if (ClassMaps is not null && (ClassMaps.BatchSize != shape.BatchSize || ClassMaps.Spatial != shape.Spatial))
        {
            throw new ArgumentException($"The class maps are for {ClassMaps.BatchSize} samples of {ClassMaps.Spatial}, but the batch is {shape}.", name);
        }

        foreach (SaliencyMaps maps in _saliency)
        {
            if (maps.BatchSize != shape.BatchSize || maps.Spatial != shape.Spatial)
            {
                throw new ArgumentException(
                    $"The saliency features are for {maps.BatchSize} samples of {maps.Spatial}, but the batch is {shape}.", name);
            }
        }
    }
}
