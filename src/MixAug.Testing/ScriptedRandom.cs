using MixAug.Randomness;

namespace MixAug.Testing;

/// <summary>
/// A deterministic fake generator that replays values you script, for exact tests of code that draws through
/// <see cref="IMixRandom"/>: each method takes the next value of its own queue, and running out is an error that
/// says which method drew one value too many.
/// </summary>
/// <example>
/// <code>
/// // Roll pairing draws nothing; a CutMix batch draw asks NextDouble for the Beta variates, then NextInt for the centre.
/// var random = new ScriptedRandom().WithInts(5, 7).WithDoubles(0.25, 0.5, 0.75);
/// </code>
/// </example>
/// <threadsafety>Not thread-safe, like every <see cref="IMixRandom"/>.</threadsafety>
public sealed class ScriptedRandom : IMixRandom
{
    private readonly Queue<ulong> _words = new();
    private readonly Queue<double> _doubles = new();
    private readonly Queue<int> _ints = new();

    /// <summary>Number of values drawn so far, all methods together.</summary>
    public int Drawn { get; private set; }

    /// <summary>Appends values for <see cref="NextDouble"/>.</summary>
    /// <param name="values">Values in [0, 1).</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside [0, 1).</exception>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public ScriptedRandom WithDoubles(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (double v in values)
        {
            if (!(v >= 0 && v < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(values), v, $"NextDouble returns values in [0, 1); {v} cannot be scripted.");
            }

            _doubles.Enqueue(v);
        }

        return this;
    }

    /// <summary>Appends values for <see cref="NextInt"/>; each is checked against the bound of the call that takes it.</summary>
    /// <param name="values">Non-negative values.</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A value is negative.</exception>
    public ScriptedRandom WithInts(params int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (int v in values)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(v, nameof(values));
            _ints.Enqueue(v);
        }

        return this;
    }

    /// <summary>Appends values for <see cref="NextUInt64"/>.</summary>
    /// <param name="values">Any 64-bit values.</param>
    /// <returns>This instance, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="values"/> is null.</exception>
    public ScriptedRandom WithWords(params ulong[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (ulong v in values)
        {
            _words.Enqueue(v);
        }

        return this;
    }

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No scripted value is left.</exception>
    public ulong NextUInt64() => Take(_words, nameof(NextUInt64));

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">No scripted value is left.</exception>
    public double NextDouble() => Take(_doubles, nameof(NextDouble));

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxExclusive"/> is below 1, as for every <see cref="IMixRandom"/>.</exception>
    /// <exception cref="InvalidOperationException">The scripted value is not below <paramref name="maxExclusive"/>, or none is left.</exception>
    public int NextInt(int maxExclusive)
    {
        if (maxExclusive < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxExclusive), maxExclusive, $"maxExclusive must be at least 1; it was {maxExclusive}.");
        }

        int value = Take(_ints, nameof(NextInt));
        if (value >= maxExclusive)
        {
            throw new InvalidOperationException($"Draw {Drawn} asked NextInt({maxExclusive}) but the scripted value is {value}.");
        }

        return value;
    }

    /// <summary>Throws unless every scripted value was drawn, to catch code that draws less than a test expects.</summary>
    /// <exception cref="InvalidOperationException">Values are left over.</exception>
    public void AssertExhausted()
    {
        if (_words.Count + _doubles.Count + _ints.Count > 0)
        {
            throw new InvalidOperationException(
                $"{_doubles.Count} doubles, {_ints.Count} ints and {_words.Count} words were scripted but never drawn (drawn so far: {Drawn}).");
        }
    }

    private T Take<T>(Queue<T> queue, string method)
    {
        if (!queue.TryDequeue(out T? value))
        {
            throw new InvalidOperationException($"Draw {Drawn + 1} called {method}, but no scripted value is left for it.");
        }

        Drawn++;
        return value;
    }
}
