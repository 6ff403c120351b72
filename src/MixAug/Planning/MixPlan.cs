namespace MixAug.Planning;

/// <summary>
/// Every random choice of one batch, drawn once: for each sample its partner, its lambda and its region.
/// Backends only apply plans and never draw random numbers, so a plan gives the same pixels on every backend,
/// can be logged (<see cref="MixPlanJson"/>) and replayed, and the labels come from the same numbers as the pixels.
/// </summary>
/// <remarks>
/// <para><b>Lambda convention.</b> <see cref="Lambdas"/>[i] is the weight of sample i itself, after correction: for a
/// box or a mask it is exactly the share of sample i's own pixels that survive (<see cref="MixRegion.OwnShare"/>);
/// for a blend it is the interpolation weight. Output i is <c>x[i]·λ + x[partner]·(1 − λ)</c> in spirit, and the
/// target is <c>λ·y[i] + (1 − λ)·y[partner]</c>. This is timm's and torchvision's convention; Kornia reports the
/// partner's weight, 1 − λ.</para>
/// <para>A plan checks itself when built: partners form a permutation, lambdas are in [0, 1], regions fit the
/// shape, a sample paired with itself (or left unmixed) has a <see cref="KeepRegion"/> and lambda 1.</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share and to apply from several threads.</threadsafety>
public sealed class MixPlan
{
    private readonly int[] _partners;
    private readonly double[] _lambdas;
    private readonly MixRegion[] _regions;

    /// <summary>Builds and validates a plan (by hand, or from a transform).</summary>
    /// <param name="shape">The shape of the batch the plan is for.</param>
    /// <param name="partners">Partner index of each sample; together a permutation of 0..B−1.</param>
    /// <param name="lambdas">Weight of each sample itself, in [0, 1] (see the remarks on <see cref="MixPlan"/>).</param>
    /// <param name="regions">Region of each sample.</param>
    /// <param name="transformName">Name of the transform that drew the plan (provenance only).</param>
    /// <param name="pairing">Pairing strategy that chose the partners (provenance only).</param>
    /// <param name="mode">Lambda mode the plan was drawn in (provenance only).</param>
    /// <exception cref="ArgumentNullException"><paramref name="regions"/>, one of its items, or <paramref name="transformName"/> is null.</exception>
    /// <exception cref="ArgumentException">A count differs from the batch size, a partner is out of range or repeated,
    /// a lambda is outside [0, 1], a region does not fit, or a self-paired or kept sample is not (Keep, 1).</exception>
    public MixPlan(
        BatchShape shape,
        ReadOnlySpan<int> partners,
        ReadOnlySpan<double> lambdas,
        IReadOnlyList<MixRegion> regions,
        string transformName = "Custom",
        PairingStrategy pairing = PairingStrategy.Custom,
        LambdaMode mode = LambdaMode.Element)
    {
        ArgumentNullException.ThrowIfNull(regions);
        ArgumentNullException.ThrowIfNull(transformName);
        if (shape.BatchSize == 0)
        {
            throw new ArgumentException("The shape is the default (empty) BatchShape; create one with its constructor.", nameof(shape));
        }

        int b = shape.BatchSize;
        Internal.Guard.Length(partners.Length, b, nameof(partners), $"a batch of {b}");
        Internal.Guard.Length(lambdas.Length, b, nameof(lambdas), $"a batch of {b}");
        Internal.Guard.Length(regions.Count, b, nameof(regions), $"a batch of {b}");

        var seen = new bool[b];
        for (int i = 0; i < b; i++)
        {
            int p = partners[i];
            if ((uint)p >= (uint)b)
            {
                throw new ArgumentException($"Sample {i} has partner {p}, outside [0, {b}).", nameof(partners));
            }

            if (seen[p])
            {
                throw new ArgumentException($"Sample {i} has partner {p}, which is already another sample's partner; partners must form a permutation.", nameof(partners));
            }

            seen[p] = true;
            double lambda = lambdas[i];
            if (!(lambda >= 0 && lambda <= 1))
            {
                throw new ArgumentException($"Sample {i} has lambda {lambda}; lambdas must lie in [0, 1].", nameof(lambdas));
            }

            MixRegion region = regions[i] ?? throw new ArgumentNullException(nameof(regions), $"The region of sample {i} is null.");
            region.Validate(shape, i);
            if ((p == i || region.Kind == MixRegionKind.Keep) && !(region.Kind == MixRegionKind.Keep && lambda == 1.0))
            {
                throw new ArgumentException(
                    $"Sample {i} is paired with {p} and has region '{region}' and lambda {lambda}; a sample paired with itself or kept must have a Keep region and lambda 1.",
                    nameof(regions));
            }
        }

        Shape = shape;
        _partners = partners.ToArray();
        _lambdas = lambdas.ToArray();
        _regions = [.. regions];
        TransformName = transformName;
        Pairing = pairing;
        Mode = mode;
        (CycleOrder, CycleStarts) = FindCycles(_partners);
        SelfWeights = new float[b];
        PartnerWeights = new float[b];
        for (int i = 0; i < b; i++)
        {
            SelfWeights[i] = (float)_lambdas[i];
            PartnerWeights[i] = (float)(1.0 - _lambdas[i]);
        }
    }

    /// <summary>The shape of the batch this plan applies to.</summary>
    public BatchShape Shape { get; }

    /// <summary>Name of the transform that drew the plan, or <c>Custom</c>.</summary>
    public string TransformName { get; }

    /// <summary>The pairing strategy that chose the partners.</summary>
    public PairingStrategy Pairing { get; }

    /// <summary>The lambda mode the plan was drawn in.</summary>
    public LambdaMode Mode { get; }

    /// <summary>Number of samples.</summary>
    public int BatchSize => _partners.Length;

    /// <summary>Partner index of each sample.</summary>
    public ReadOnlySpan<int> Partners => _partners;

    /// <summary>Weight of each sample itself, after correction: its exact share of own pixels for boxes and masks.</summary>
    public ReadOnlySpan<double> Lambdas => _lambdas;

    /// <summary>Region of each sample.</summary>
    public IReadOnlyList<MixRegion> Regions => _regions;

    /// <summary>Number of samples that are actually mixed (region other than Keep).</summary>
    public int MixedCount => _regions.Count(r => r.Kind != MixRegionKind.Keep);

    /// <summary>True when sample <paramref name="sample"/> takes anything from its partner.</summary>
    /// <param name="sample">Sample index.</param>
    /// <returns>False for a Keep region.</returns>
    public bool IsMixed(int sample) => _regions[sample].Kind != MixRegionKind.Keep;

    /// <summary>
    /// The share of sample <paramref name="sample"/>'s own content in its output, measured from the region. Equal to
    /// <see cref="Lambdas"/>[sample] unless a transform was told not to correct lambda (CutMix's <c>correctLambda: false</c>).
    /// </summary>
    /// <param name="sample">Sample index.</param>
    /// <returns>A value in [0, 1].</returns>
    public double MeasureOwnShare(int sample) => _regions[sample].OwnShare(Shape, _lambdas[sample]);

    /// <summary>Samples listed cycle by cycle of the partner permutation: in each cycle, the next entry is the current one's partner.</summary>
    internal int[] CycleOrder { get; }

    /// <summary>Start of each cycle in <see cref="CycleOrder"/>, plus one final entry equal to the batch size.</summary>
    internal int[] CycleStarts { get; }

    /// <summary>Lambda of each sample rounded to float: the kernels' weight of the sample itself.</summary>
    internal float[] SelfWeights { get; }

    /// <summary>1 − lambda, computed in double and rounded to float: the kernels' weight of the partner.</summary>
    internal float[] PartnerWeights { get; }

    /// <inheritdoc />
    public override string ToString() => $"{TransformName} plan for {Shape}: {MixedCount} of {BatchSize} mixed ({Mode}, {Pairing})";

    private static (int[] Order, int[] Starts) FindCycles(int[] partners)
    {
        int b = partners.Length;
        var order = new int[b];
        var starts = new List<int>();
        var visited = new bool[b];
        int n = 0;
        for (int i = 0; i < b; i++)
        {
            if (visited[i])
            {
                continue;
            }

            starts.Add(n);
            for (int j = i; !visited[j]; j = partners[j])
            {
                visited[j] = true;
                order[n++] = j;
            }
        }

        starts.Add(b);
        return (order, [.. starts]);
    }
}
