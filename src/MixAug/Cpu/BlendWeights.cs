namespace MixAug.Cpu;

/// <summary>The two weights of a fixed blend: <c>sample·Self + partner·Partner</c>, in float.</summary>
/// <param name="self">The sample's weight.</param>
/// <param name="partner">The partner's weight.</param>
internal readonly struct BlendWeights(float self, float partner)
{
    /// <summary>The sample's weight.</summary>
    public float Self { get; } = self;

    /// <summary>The partner's weight.</summary>
    public float Partner { get; } = partner;
}
