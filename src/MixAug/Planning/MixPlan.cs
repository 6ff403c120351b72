using MixAug.Regions;

namespace MixAug.Planning;

/// <summary>
/// Every random choice of one batch, drawn once, as a compact recipe: for each sample its sources (itself first), their
/// weights, and a region over the spatial extent that says which source supplies which element. Backends only apply
/// plans and never draw random numbers, so a plan gives the same elements on every backend, can be logged
/// (<see cref="MixPlanJson"/>) and replayed, and the labels come from the same weights as the pixels.
/// </summary>
/// <remarks>
/// <para><b>Weights.</b> <see cref="Weights"/>(i) are the label weights of sample i's sources, summing to 1;
/// <see cref="Lambdas"/>[i] is the first, the weight of the sample itself. For a box, tiles or a mask they are
/// exactly the share of each source's elements in the output (<see cref="MixRegion.MeasureShares"/>); for a blend they
/// are the interpolation weights. Output i is <c>x[i]·λ + x[partner]·(1 − λ)</c> in spirit, the target
/// <c>λ·y[i] + (1 − λ)·y[partner]</c>: timm's and torchvision's convention (Kornia reports the partner's weight).</para>
/// <para><b>Pairwise plans</b> (every sample has two sources, itself and a partner, as Mixup, CutMix, FMix and
/// SaliencyMix draw them) also expose <see cref="Partners"/>; with more sources (Mosaic, CutMix with several
/// partners) use <see cref="Sources"/>.</para>
/// <para><b>Any tensor.</b> The plan holds no channel count: it applies to every batch whose trailing dimensions are
/// <see cref="Spatial"/> (images, uint8 batches, label maps, feature maps), and a plan of keeps and blends
/// (<see cref="IsUniform"/>) to a batch of any shape, a <c>[B, D]</c> feature vector too.</para>
/// <para>A plan checks itself when built: sources in range and the sample itself first, weights finite, in [0, 1] and
/// summing to 1, regions that fit the extent and the source count, and a sample kept or paired with itself has a
/// <see cref="KeepRegion"/> and own weight 1.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share and to apply from several threads.</threadsafety>
public sealed class MixPlan
{
    /// <summary>How far the weights of one sample may sum from 1 (rounding of 1 − λ and of area shares).</summary>
    public const double WeightSumTolerance = 1e-9;

    private readonly int[] _sources;
    private readonly double[] _weights;
    private readonly int[] _offsets; // sample i's sources are _sources[_offsets[i] .. _offsets[i + 1])
    private readonly double[] _lambdas;
    private readonly int[]? _partners;
    private readonly MixRegion[] _regions;
    private readonly int[] _validLengths = [];
    private readonly int[] _outputLengths = [];

    /// <summary>Builds and validates a pairwise plan: each sample with its partner (by hand, or from a transform).</summary>
    /// <param name="spatial">The spatial extent the regions are drawn over.</param>
    /// <param name="partners">Partner index of each sample; a sample paired with itself is left as it is.</param>
    /// <param name="lambdas">Weight of each sample itself, in [0, 1]; its partner gets 1 − λ.</param>
    /// <param name="regions">Region of each sample.</param>
    /// <param name="transformName">Name of the transform that drew the plan (provenance only).</param>
    /// <param name="pairing">Pairing strategy that chose the partners (provenance only).</param>
    /// <param name="mode">Lambda mode the plan was drawn in (provenance only).</param>
    /// <exception cref="ArgumentNullException"><paramref name="regions"/>, one of its items, or <paramref name="transformName"/> is null.</exception>
    /// <exception cref="ArgumentException">The extent is empty, the batch is empty, a count differs, a partner is out of
    /// range, a lambda is outside [0, 1], a region does not fit, a self-paired or kept sample is not (Keep, 1), or an
    /// enum value is undefined.</exception>
    public MixPlan(
        SpatialShape spatial,
        ReadOnlySpan<int> partners,
        ReadOnlySpan<double> lambdas,
        IReadOnlyList<MixRegion> regions,
        string transformName = "Custom",
        PairingStrategy pairing = PairingStrategy.Custom,
        LambdaMode mode = LambdaMode.Element)
    {
        ArgumentNullException.ThrowIfNull(regions);
        CheckHeader(spatial, partners.Length, transformName, pairing, mode, nameof(partners));
        int b = partners.Length;
        Internal.Guard.Length(lambdas.Length, b, nameof(lambdas), $"a batch of {b}");
        Internal.Guard.Length(regions.Count, b, nameof(regions), $"a batch of {b}");
        _sources = new int[2 * b];
        _weights = new double[2 * b];
        _offsets = new int[b + 1];
        _lambdas = lambdas.ToArray();
        _partners = partners.ToArray();
        _regions = new MixRegion[b];
        for (int i = 0; i < b; i++)
        {
            double lambda = lambdas[i];
            if (!(lambda >= 0 && lambda <= 1))
            {
                throw new ArgumentException($"Sample {i} has lambda {lambda}; lambdas must lie in [0, 1].", nameof(lambdas));
            }

            _offsets[i + 1] = 2 * (i + 1);
            _sources[2 * i] = i;
            _sources[(2 * i) + 1] = partners[i];
            _weights[2 * i] = lambda;
            _weights[(2 * i) + 1] = 1.0 - lambda;
            _regions[i] = regions[i] ?? throw new ArgumentNullException(nameof(regions), $"The region of sample {i} is null.");
        }

        Spatial = spatial;
        TransformName = transformName;
        Pairing = pairing;
        Mode = mode;
        ValidateSamples(nameof(partners), nameof(lambdas), nameof(regions));
    }

    /// <summary>Builds and validates a plan from one recipe per sample, with any number of sources each.</summary>
    /// <param name="spatial">The spatial extent the regions are drawn over.</param>
    /// <param name="samples">The recipe of each sample, in batch order.</param>
    /// <param name="transformName">Name of the transform that drew the plan (provenance only).</param>
    /// <param name="pairing">Pairing strategy that chose the sources (provenance only).</param>
    /// <param name="mode">Lambda mode the plan was drawn in (provenance only).</param>
    /// <exception cref="ArgumentNullException"><paramref name="samples"/>, one of its items, or <paramref name="transformName"/> is null.</exception>
    /// <exception cref="ArgumentException">The extent or the batch is empty, a recipe's first source is not the sample
    /// itself, a source is out of range, weights are not finite, in [0, 1] and summing to 1, a region does not fit its
    /// sources or the extent, a kept sample's own weight is not 1, or an enum value is undefined.</exception>
    public MixPlan(
        SpatialShape spatial,
        IReadOnlyList<SampleRecipe> samples,
        string transformName = "Custom",
        PairingStrategy pairing = PairingStrategy.Custom,
        LambdaMode mode = LambdaMode.Element)
    {
        ArgumentNullException.ThrowIfNull(samples);
        CheckHeader(spatial, samples.Count, transformName, pairing, mode, nameof(samples));
        int b = samples.Count;
        _offsets = new int[b + 1];
        _regions = new MixRegion[b];
        _lambdas = new double[b];
        bool pairwise = true;
        for (int i = 0; i < b; i++)
        {
            SampleRecipe recipe = samples[i] ?? throw new ArgumentNullException(nameof(samples), $"The recipe of sample {i} is null.");
            _offsets[i + 1] = _offsets[i] + recipe.Sources.Count;
            pairwise &= recipe.Sources.Count == 2;
        }

        _sources = new int[_offsets[b]];
        _weights = new double[_offsets[b]];
        for (int i = 0; i < b; i++)
        {
            SampleRecipe recipe = samples[i];
            for (int k = 0; k < recipe.Sources.Count; k++)
            {
                _sources[_offsets[i] + k] = recipe.Sources[k];
                _weights[_offsets[i] + k] = recipe.Weights[k];
            }

            _lambdas[i] = recipe.Weights[0];
            _regions[i] = recipe.Region;
        }

        if (pairwise)
        {
            _partners = new int[b];
            for (int i = 0; i < b; i++)
            {
                _partners[i] = _sources[(2 * i) + 1];
            }
        }

        Spatial = spatial;
        TransformName = transformName;
        Pairing = pairing;
        Mode = mode;
        ValidateSamples(nameof(samples), nameof(samples), nameof(samples));
    }

    private MixPlan(MixPlan plan, int[] validLengths, int[] outputLengths, BlendLengths blendLengths)
    {
        // The arrays are never written after construction, so the copy shares them.
        _sources = plan._sources;
        _weights = plan._weights;
        _offsets = plan._offsets;
        _lambdas = plan._lambdas;
        _partners = plan._partners;
        _regions = plan._regions;
        Spatial = plan.Spatial;
        TransformName = plan.TransformName;
        Pairing = plan.Pairing;
        Mode = plan.Mode;
        _validLengths = validLengths;
        _outputLengths = outputLengths;
        BlendLengths = blendLengths;
    }

    /// <summary>The spatial extent the regions are drawn over.</summary>
    public SpatialShape Spatial { get; }

    /// <summary>
    /// Valid length of each input sample along time (a sequence's length L, a clip's frame count T), or empty when the
    /// plan has none and every position is valid. See <see cref="WithValidLengths(ReadOnlySpan{int}, Planning.BlendLengths)"/>.
    /// </summary>
    public ReadOnlySpan<int> ValidLengths => _validLengths;

    /// <summary>
    /// Valid length of each output sample along time, or empty when the plan has no <see cref="ValidLengths"/>: a
    /// blended sample is valid where all its sources are (the shortest of their lengths; the longest when the plan's
    /// <see cref="BlendLengths"/> is zero-padded), a kept, boxed or Fourier-masked sample where it was. The lengths to give a sequence loss (CTC's input lengths) and to mask the output's padding with.
    /// </summary>
    public ReadOnlySpan<int> OutputLengths => _outputLengths;

    /// <summary>True when the plan carries per-sample <see cref="ValidLengths"/>.</summary>
    public bool HasValidLengths => _validLengths.Length != 0;

    /// <summary>How blends of sources of different <see cref="ValidLengths"/> treat the positions past the shorter one;
    /// <see cref="Planning.BlendLengths.Shorter"/> unless the plan was given lengths with <see cref="Planning.BlendLengths.ZeroPadded"/>.</summary>
    public BlendLengths BlendLengths { get; }

    /// <summary>True when blends read each source as zeros past its valid length (<see cref="Planning.BlendLengths.ZeroPadded"/> with lengths).</summary>
    internal bool ZeroPadsBlends => BlendLengths == BlendLengths.ZeroPadded && HasValidLengths;

    /// <summary>Name of the transform that drew the plan, or <c>Custom</c>.</summary>
    public string TransformName { get; }

    /// <summary>The pairing strategy that chose the partners.</summary>
    public PairingStrategy Pairing { get; }

    /// <summary>The lambda mode the plan was drawn in.</summary>
    public LambdaMode Mode { get; }

    /// <summary>Number of samples.</summary>
    public int BatchSize => _regions.Length;

    /// <summary>True when every sample has exactly two sources, itself and a partner (<see cref="Partners"/> is available).</summary>
    public bool IsPairwise => _partners is not null;

    /// <summary>True when every region is a keep or a blend, so the plan applies to a batch of any trailing shape; false
    /// for zero-padded blends, which read each source up to its length along the plan's time axis.</summary>
    public bool IsUniform => !ZeroPadsBlends && _regions.All(r => r.IsUniform);

    /// <summary>The largest number of sources of any sample.</summary>
    public int MaxSourceCount
    {
        get
        {
            int max = 0;
            for (int i = 0; i < BatchSize; i++)
            {
                max = Math.Max(max, _offsets[i + 1] - _offsets[i]);
            }

            return max;
        }
    }

    /// <summary>Partner index of each sample (its second source).</summary>
    /// <exception cref="InvalidOperationException">The plan is not pairwise (a sample has one source, or more than two).</exception>
    public ReadOnlySpan<int> Partners => _partners ?? throw new InvalidOperationException(
        $"This {TransformName} plan is not pairwise (samples have up to {MaxSourceCount} sources); use Sources(sample) and Weights(sample).");

    /// <summary>Weight of each sample itself: for boxes and masks its exact share of own elements.</summary>
    public ReadOnlySpan<double> Lambdas => _lambdas;

    /// <summary>Region of each sample.</summary>
    public IReadOnlyList<MixRegion> Regions => _regions;

    /// <summary>Number of samples that are actually mixed (region other than Keep).</summary>
    public int MixedCount => _regions.Count(r => r.Kind != MixRegionKind.Keep);

    /// <summary>The sources of sample <paramref name="sample"/>, itself first; region slots index this list.</summary>
    /// <param name="sample">Sample index, in [0, <see cref="BatchSize"/>).</param>
    /// <returns>Batch indices.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public ReadOnlySpan<int> Sources(int sample)
    {
        CheckSample(sample);
        return _sources.AsSpan(_offsets[sample], _offsets[sample + 1] - _offsets[sample]);
    }

    /// <summary>The label weights of sample <paramref name="sample"/>'s sources, summing to 1.</summary>
    /// <param name="sample">Sample index, in [0, <see cref="BatchSize"/>).</param>
    /// <returns>One weight per source.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public ReadOnlySpan<double> Weights(int sample)
    {
        CheckSample(sample);
        return _weights.AsSpan(_offsets[sample], _offsets[sample + 1] - _offsets[sample]);
    }

    /// <summary>True when sample <paramref name="sample"/> takes anything from another source.</summary>
    /// <param name="sample">Sample index, in [0, <see cref="BatchSize"/>).</param>
    /// <returns>False for a Keep region.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public bool IsMixed(int sample)
    {
        CheckSample(sample);
        return _regions[sample].Kind != MixRegionKind.Keep;
    }

    /// <summary>
    /// The share of sample <paramref name="sample"/>'s own content in its output, measured from the region. Equal to
    /// <see cref="Lambdas"/>[sample] unless a transform was told not to correct lambda (CutMix's <c>correctLambda: false</c>).
    /// </summary>
    /// <param name="sample">Sample index, in [0, <see cref="BatchSize"/>).</param>
    /// <returns>A value in [0, 1].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    public double MeasureOwnShare(int sample)
    {
        CheckSample(sample);
        Span<double> shares = stackalloc double[Math.Max(2, Sources(sample).Length)];
        MeasureShares(sample, shares.Slice(0, Math.Max(Sources(sample).Length, 1)));
        return shares[0];
    }

    /// <summary>The share of each source's content in sample <paramref name="sample"/>'s output, measured from the region.</summary>
    /// <param name="sample">Sample index, in [0, <see cref="BatchSize"/>).</param>
    /// <param name="shares">Receives one share per source.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sample"/> is outside the batch.</exception>
    /// <exception cref="ArgumentException"><paramref name="shares"/> does not have one entry per source.</exception>
    public void MeasureShares(int sample, Span<double> shares)
    {
        CheckSample(sample);
        Internal.Guard.Length(shares.Length, Sources(sample).Length, nameof(shares), $"sample {sample}'s sources");
        SpatialShape valid = HasValidLengths ? TimeAxis.Crop(Spatial, _outputLengths[sample]) : Spatial;
        _regions[sample].MeasureShares(valid, Weights(sample), shares);
    }

    /// <summary>
    /// The same plan for a batch whose samples are valid only up to a length along time (a sequence's L, a clip's frames
    /// T), the rest being padding. The plan is checked to take nothing from padding: a blend's output is valid up to the
    /// shortest of its sources' lengths (espnet2's <c>MixupAugment</c> rule); a box must lie inside every source's valid
    /// part (a sequence segment ending at or before the shortest length; a box applied to every frame of a clip only when
    /// no source is shorter than the sample; a box with a frame range ending at or before the shortest length of its
    /// sources, the sample's own included); a Fourier mask's noise must cover at most the shortest length of its sources
    /// along time (FMix draws it over the first m = min(L_own, L_partner) positions or frames and the sample keeps its own
    /// past them); keeps are always allowed. Other region kinds are not yet defined with lengths.
    /// </summary>
    /// <param name="validLengths">One length per sample, each in [1, time extent].</param>
    /// <returns>A new plan with <see cref="ValidLengths"/> and <see cref="OutputLengths"/>; the weights are not changed, so
    /// a plan whose boxes were measured over full lengths keeps those weights (transforms given lengths in their
    /// <see cref="MixRequest"/> measure over valid positions).</returns>
    /// <exception cref="ArgumentException">The extent is an image plane (no time axis), the count differs from the batch
    /// size, or a region would take padding or is of a kind not defined with lengths.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, time extent].</exception>
    public MixPlan WithValidLengths(ReadOnlySpan<int> validLengths) => WithValidLengths(validLengths, BlendLengths.Shorter);

    /// <summary>
    /// As <see cref="WithValidLengths(ReadOnlySpan{int})"/>, with the rule for blends of different lengths: with
    /// <see cref="Planning.BlendLengths.ZeroPadded"/> a blend's output is valid up to the longest of its sources, and the
    /// mixers read each source as zeros past its own length (blends of two sources only).
    /// </summary>
    /// <param name="validLengths">One length per sample, each in [1, time extent].</param>
    /// <param name="blendLengths">How blends treat the positions past their shorter source.</param>
    /// <returns>A new plan with <see cref="ValidLengths"/>, <see cref="OutputLengths"/> and <see cref="BlendLengths"/>; the weights are not changed.</returns>
    /// <exception cref="ArgumentException">As <see cref="WithValidLengths(ReadOnlySpan{int})"/>, or a zero-padded blend has more than two sources.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A length is outside [1, time extent], or <paramref name="blendLengths"/> is not a defined rule.</exception>
    public MixPlan WithValidLengths(ReadOnlySpan<int> validLengths, BlendLengths blendLengths)
    {
        if (!Enum.IsDefined(blendLengths))
        {
            throw new ArgumentOutOfRangeException(nameof(blendLengths), blendLengths, $"blendLengths must be Shorter or ZeroPadded; it was {(int)blendLengths}.");
        }

        int[] lengths = TimeAxis.Check(Spatial, BatchSize, validLengths, nameof(validLengths));
        var output = new int[BatchSize];
        for (int i = 0; i < BatchSize; i++)
        {
            output[i] = TimeAxis.OutputLength(_regions[i], Spatial, Sources(i), lengths, i, blendLengths, nameof(validLengths));
        }

        return new MixPlan(this, lengths, output, blendLengths);
    }

    /// <inheritdoc />
    public override string ToString() => $"{TransformName} plan for {BatchSize} samples of {Spatial}: {MixedCount} mixed ({Mode}, {Pairing})";

    private void CheckSample(int sample)
    {
        if ((uint)sample >= (uint)_regions.Length)
        {
            ThrowSample(sample);
        }
    }

    private void ThrowSample(int sample) =>
        throw new ArgumentOutOfRangeException(nameof(sample), sample, $"sample must lie in [0, {BatchSize}) for this plan of {BatchSize} samples; it was {sample}.");

    private static void CheckHeader(SpatialShape spatial, int batchSize, string transformName, PairingStrategy pairing, LambdaMode mode, string samplesName)
    {
        ArgumentNullException.ThrowIfNull(transformName);
        if (spatial.IsEmpty)
        {
            throw new ArgumentException("The spatial shape is the default (empty) SpatialShape; create one with its constructor.", nameof(spatial));
        }

        if (batchSize == 0)
        {
            throw new ArgumentException("A plan needs at least one sample.", samplesName);
        }

        if (!Enum.IsDefined(pairing))
        {
            throw new ArgumentException($"Unknown pairing strategy {(int)pairing}.", nameof(pairing));
        }

        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentException($"Unknown lambda mode {(int)mode}.", nameof(mode));
        }
    }

    private void ValidateSamples(string sourcesName, string weightsName, string regionsName)
    {
        int b = BatchSize;
        for (int i = 0; i < b; i++)
        {
            ReadOnlySpan<int> sources = Sources(i);
            ReadOnlySpan<double> weights = Weights(i);
            if (sources[0] != i)
            {
                throw new ArgumentException($"Sample {i} lists {sources[0]} as its first source; the first source must be the sample itself.", sourcesName);
            }

            double sum = 0;
            bool takesFromItself = false;
            for (int k = 0; k < sources.Length; k++)
            {
                if ((uint)sources[k] >= (uint)b)
                {
                    throw new ArgumentException($"Sample {i} has source {sources[k]}, outside [0, {b}).", sourcesName);
                }

                if (!(weights[k] >= 0 && weights[k] <= 1))
                {
                    throw new ArgumentException($"Sample {i} has weight {weights[k]} for source {sources[k]}; weights must lie in [0, 1].", weightsName);
                }

                takesFromItself |= k > 0 && sources[k] == i;
                sum += weights[k];
            }

            if (Math.Abs(sum - 1.0) > WeightSumTolerance)
            {
                throw new ArgumentException($"The weights of sample {i} sum to {sum:R}, not 1.", weightsName);
            }

            MixRegion region = _regions[i];
            region.Validate(Spatial, sources.Length, i, regionsName);
            bool kept = region.Kind == MixRegionKind.Keep;
            if ((takesFromItself || kept) && !(kept && weights[0] == 1.0))
            {
                throw new ArgumentException(
                    $"Sample {i} has sources [{string.Join(", ", sources.ToArray())}], region '{region}' and own weight {weights[0]}; a sample paired with itself or kept must have a Keep region and own weight 1.",
                    regionsName);
            }
        }
    }
}
