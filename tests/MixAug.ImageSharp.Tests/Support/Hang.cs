namespace MixAug.ImageSharp.Tests.Support;

/// <summary>
/// Runs a call on a background thread and fails the test if it does not return in time, so a regression that hangs
/// fails one test quickly instead of stopping the whole run (the stuck thread is left behind; it is a background
/// thread and dies with the test process).
/// </summary>
internal static class Hang
{
    public static T Within<T>(TimeSpan limit, Func<T> call, string what)
    {
        T? result = default;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = call();
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "hang check: " + what };
        thread.Start();
        if (!thread.Join(limit))
        {
            Assert.Fail($"{what} did not return within {limit.TotalSeconds} s: a hang.");
        }

        if (error is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(error);
        }

        return result!;
    }

    /// <summary>The outcome of a load: the image's pixels, or the exception it threw (any type).</summary>
    public static (SixLabors.ImageSharp.PixelFormats.Rgb24[]? Pixels, Exception? Error) Outcome(Func<SixLabors.ImageSharp.Image<SixLabors.ImageSharp.PixelFormats.Rgb24>> load)
    {
        try
        {
            using var image = load();
            return (ImageBatchTests.Pixels(image), null);
        }
        catch (Exception e)
        {
            return (null, e);
        }
    }
}
