namespace MixAug.Testing;

/// <summary>
/// Thrown by <see cref="MixAssert"/> when mixed output breaks an invariant. A plain exception, so NUnit, xUnit and
/// MSTest all report it as a failure; the message names the sample, the element or class, and the expected and
/// actual values.
/// </summary>
public sealed class MixInvariantException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong, where, expected and actual.</param>
    /// <param name="sample">The sample index the failure was found in, or -1 if it concerns no single sample.</param>
    public MixInvariantException(string message, int sample)
        : base(message)
    {
        Sample = sample;
    }

    /// <summary>The sample index the failure was found in, or -1.</summary>
    public int Sample { get; }
}
