using System.Runtime.CompilerServices;
using MixAug.Planning;

namespace MixAug.Internal;

/// <summary>
/// Argument checks shared by the public entry points. Every message names the parameter and the numbers
/// involved, so a rejected call says exactly what was wrong without a debugger.
/// </summary>
internal static class Guard
{
    public static void Probability(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value >= 0 && value <= 1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1]; it was {value}.");
        }
    }

    public static void PositiveFinite(double value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number greater than 0; it was {value}.");
        }
    }

    public static void Positive(int value, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be at least 1; it was {value}.");
        }
    }

    public static void Length(int actual, long expected, string name, string what)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements but {what} needs exactly {expected}.", name);
        }
    }

    /// <summary>Checks a batch buffer's length against a plan's shape; the message is built only on failure, so a valid call allocates nothing.</summary>
    public static void Length(int actual, BatchShape shape, string name)
    {
        if (actual != shape.ElementCount)
        {
            Length(actual, shape.ElementCount, name, $"a plan for a {shape} batch");
        }
    }

    /// <summary>Checks a B × K target buffer's length; the message is built only on failure.</summary>
    public static void Rows(int actual, int rows, int classCount, string name)
    {
        if (actual != (long)rows * classCount)
        {
            Length(actual, (long)rows * classCount, name, $"{rows} rows of {classCount} classes");
        }
    }

    /// <summary>Rejects an index outside [0, count).</summary>
    public static void Index(int value, int count, string what, [CallerArgumentExpression(nameof(value))] string? name = null)
    {
        if ((uint)value >= (uint)count)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, {count}) for {what}; it was {value}.");
        }
    }

    /// <summary>
    /// The same complaint under the caller's parameter name, for a check made on the caller's behalf (an argument built
    /// from the caller's, or a callee whose parameter is not the caller's). Keeps the exception type and the message.
    /// </summary>
    public static ArgumentException Rename(ArgumentException e, string name)
    {
        string message = e.Message;
        if (e is ArgumentOutOfRangeException { ActualValue: object value })
        {
            string tail = Environment.NewLine + $"Actual value was {value}.";
            message = message.EndsWith(tail, StringComparison.Ordinal) ? message[..^tail.Length] : message;
        }

        string parameter = $" (Parameter '{e.ParamName}')";
        message = e.ParamName is not null && message.EndsWith(parameter, StringComparison.Ordinal) ? message[..^parameter.Length] : message;
        return e switch
        {
            ArgumentNullException => new ArgumentNullException(name, message),
            ArgumentOutOfRangeException => new ArgumentOutOfRangeException(name, message),
            _ => new ArgumentException(message, name, e),
        };
    }

    /// <summary>Rejects a destination that overlaps the source without starting at the same address.</summary>
    public static void NoPartialOverlap<T>(ReadOnlySpan<T> source, Span<T> destination, string name)
    {
        if (source.Overlaps(destination, out int offset) && offset != 0)
        {
            throw new ArgumentException(
                $"{name} overlaps the source at an offset of {offset} elements; pass the same buffer for an in-place mix or a separate one.",
                name);
        }
    }

    /// <summary>Checks a clip's frame range <c>[firstFrame, endFrame)</c>: 0 &lt;= firstFrame &lt; endFrame (a box's or a
    /// tiling's; the frames are checked against T when a plan is built).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed or negative, naming the bound at fault.</exception>
    internal static void FrameRange(int firstFrame, int endFrame)
    {
        if (firstFrame < 0 || endFrame <= firstFrame)
        {
            throw new ArgumentOutOfRangeException(
                firstFrame < 0 ? nameof(firstFrame) : nameof(endFrame),
                $"A frame range needs 0 <= firstFrame < endFrame; it was firstFrame {firstFrame}, endFrame {endFrame}.");
        }
    }

    /// <summary>Checks a frame range of a region that knows its clip (a soft box's, a resized partner's):
    /// 0 &lt;= firstFrame &lt; endFrame &lt;= <paramref name="spatial"/>'s T.</summary>
    /// <exception cref="ArgumentException"><paramref name="spatial"/> is not a clip (naming firstFrame; <paramref name="region"/> says what has the range).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty, reversed, negative or past the clip's T frames, naming the bound at fault.</exception>
    internal static void FrameRange(int firstFrame, int endFrame, SpatialShape spatial, string region)
    {
        if (spatial.Rank != 3)
        {
            throw new ArgumentException($"A frame range needs a clip; this {region} is on a {spatial} extent.", nameof(firstFrame));
        }

        if (firstFrame < 0 || endFrame <= firstFrame || endFrame > spatial.Depth)
        {
            throw new ArgumentOutOfRangeException(
                firstFrame < 0 ? nameof(firstFrame) : nameof(endFrame),
                $"A frame range needs 0 <= firstFrame < endFrame <= {spatial.Depth} (the clip's frames); it was firstFrame {firstFrame}, endFrame {endFrame}.");
        }
    }

    /// <summary>Checks one side of a box in an extent: 0 &lt;= first &lt; end &lt;= <paramref name="extent"/>, naming
    /// <paramref name="firstName"/> or <paramref name="endName"/> and saying what the box is (<paramref name="box"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The side is empty, reversed or outside [0, extent].</exception>
    internal static void BoxSide(int first, int end, int extent, string firstName, string endName, string box)
    {
        if (first < 0 || end <= first || end > extent)
        {
            throw new ArgumentOutOfRangeException(
                first < 0 ? firstName : endName,
                $"{box} needs 0 <= {firstName} < {endName} <= {extent}; it was {firstName} {first}, {endName} {end}.");
        }
    }
}
