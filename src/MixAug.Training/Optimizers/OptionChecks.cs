namespace MixAug.Training.Optimizers;

/// <summary>The option checks of the kept-scalar optimizers, each naming the option it refuses and its value.</summary>
internal static class OptionChecks
{
    /// <summary>Returns <paramref name="value"/> when it is finite and non-negative.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is negative, NaN or infinite.</exception>
    public static double NonNegative(double value, string name) =>
        value >= 0 && double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite and non-negative; it was {value}.");

    /// <summary>Returns <paramref name="value"/> when it is finite.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is NaN or infinite.</exception>
    public static double Finite(double value, string name) =>
        double.IsFinite(value)
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be finite; it was {value}.");

    /// <summary>Returns <paramref name="value"/> when it lies in [0, 1), as a running mean's decay must.</summary>
    /// <exception cref="ArgumentOutOfRangeException">It is outside [0, 1) or NaN.</exception>
    public static double Decay(double value, string name) =>
        value is >= 0 and < 1
            ? value
            : throw new ArgumentOutOfRangeException(name, value, $"{name} must be in [0, 1); it was {value}.");
}
