using System.Diagnostics;
using MixAug.ImageSharp;

namespace MixAug.Preview;

/// <summary>
/// One line on a terminal that says how far loading is ("listing photos: 2048 image files", then "loading 3 of 8 from
/// 3000 image files, 1 failed"), redrawn in place at most ten times a second and cleared when done. With no writer
/// (output redirected to a file or a test) it draws nothing, so logs hold only the warnings and results.
/// </summary>
internal sealed class ProgressLine(TextWriter? writer, string folder) : IProgress<FolderSampleProgress>, IDisposable
{
    private static readonly long Interval = Stopwatch.Frequency / 10;
    private long _last = long.MinValue;
    private int _width;
    private bool? _listing;

    public void Report(FolderSampleProgress value)
    {
        if (writer is null)
        {
            return;
        }

        // Throttled, except the first report of each phase and the one that completes the sample.
        long now = Stopwatch.GetTimestamp();
        bool milestone = _listing != value.Listing || (!value.Listing && value.Loaded == value.Target);
        if (now - _last < Interval && !milestone)
        {
            return;
        }

        _last = now;
        _listing = value.Listing;
        string text = value.Listing
            ? $"listing {folder}: {value.FilesFound} image files"
            : $"loading {value.Loaded} of {value.Target} images from {value.FilesFound} image files{(value.Failed > 0 ? $", {value.Failed} failed" : string.Empty)}";
        writer.Write('\r' + text.PadRight(_width));
        _width = text.Length;
        writer.Flush();
    }

    /// <summary>Clears the line, so warnings and results start at the left margin.</summary>
    public void Finish()
    {
        if (writer is not null && _width > 0)
        {
            writer.Write('\r' + new string(' ', _width) + '\r');
            writer.Flush();
            _width = 0;
        }
    }

    public void Dispose() => Finish();
}
