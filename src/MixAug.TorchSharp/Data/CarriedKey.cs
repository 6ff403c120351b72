namespace MixAug.TorchSharp.Data;

/// <summary>
/// A key of the samples that <see cref="MixCollate"/> carries into the batch as it is, not mixed, stacked in the batch's
/// sample order (<see cref="MixCollateOptions.CarryKeys"/>): a sample id, a per-sample weight, a transcript of token ids.
/// A loss reads the values of each output's sources by their batch indices (<see cref="MixCollate.SourcesOf"/>).
/// </summary>
/// <remarks>
/// <para>A <see cref="Stacked"/> key needs one shape in every sample (any rank, 0-dim included) and gives
/// <c>[B, ...]</c>. A <see cref="Padded"/> key may differ in its first dimension (a transcript <c>[U_i]</c>, frames
/// <c>[U_i, D]</c>) and in nothing else: each batch pads it at the end to its longest sample with
/// <see cref="PadValue"/>, giving <c>[B, U, ...]</c>, and adds each sample's own first dimension as int64 <c>[B]</c>
/// under <see cref="MixBatchKeys.LengthsOf"/>(name), in every batch, padded or not.</para>
/// <para>Any dtype: the batch keeps the samples' (which must agree). A padded key's pad value must be a value of that
/// dtype (an integer in range for integer dtypes, 0 or 1 for Bool; any value, NaN included, for floating ones).</para>
/// </remarks>
/// <threadsafety>Immutable; safe to share.</threadsafety>
public sealed class CarriedKey
{
    private CarriedKey(string name, bool padded, double padValue)
    {
        Name = name;
        IsPadded = padded;
        PadValue = padValue;
    }

    /// <summary>The samples' dictionary key, which is also the batch's.</summary>
    public string Name { get; }

    /// <summary>True when the first dimension may vary and is padded (<see cref="Padded"/>), false when stacked as it is.</summary>
    public bool IsPadded { get; }

    /// <summary>The value that pads a <see cref="Padded"/> key past each sample's own first dimension; 0 for a stacked key.</summary>
    public double PadValue { get; }

    /// <summary>A key whose tensors have one shape in every sample, stacked into <c>[B, ...]</c>.</summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CarriedKey Stacked(string name) => new(CheckName(name), padded: false, 0);

    /// <summary>
    /// A key whose tensors may differ in their first dimension, padded at the end to the batch's longest with
    /// <paramref name="padValue"/>, with each sample's first dimension under <see cref="MixBatchKeys.LengthsOf"/>(name).
    /// </summary>
    /// <param name="name">The samples' dictionary key.</param>
    /// <param name="padValue">The value past each sample's own length, in the samples' dtype (checked against it when a
    /// batch is collated); default 0 (CTC's blank, ignored past the target lengths anyway).</param>
    /// <returns>The key.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty.</exception>
    public static CarriedKey Padded(string name, double padValue = 0) => new(CheckName(name), padded: true, padValue);

    /// <summary>The key and how it is carried, for messages and logs.</summary>
    /// <returns>For example <c>'transcript' (padded with 0)</c> or <c>'id' (stacked)</c>.</returns>
    public override string ToString() => IsPadded ? $"'{Name}' (padded with {PadValue})" : $"'{Name}' (stacked)";

    /// <summary>The name itself, refused when null or empty (also <see cref="AlignedKey"/>'s rule and
    /// <see cref="MixBatchKeys"/>'); <paramref name="parameter"/> names it in the exception.</summary>
    internal static string CheckName(string name, string parameter = "name")
    {
        ArgumentNullException.ThrowIfNull(name, parameter);
        if (name.Length == 0)
        {
            throw new ArgumentException("The key is empty; give the samples' dictionary key.", parameter);
        }

        return name;
    }
}
