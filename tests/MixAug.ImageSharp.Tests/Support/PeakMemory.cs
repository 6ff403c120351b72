using System.Diagnostics;

namespace MixAug.ImageSharp.Tests.Support;

/// <summary>
/// The process's peak resident memory, resettable on Linux (writing 5 to /proc/self/clear_refs resets VmHWM), so a
/// test can measure the peak of one call whatever the decoder allocates: managed arrays and ImageSharp's unmanaged
/// buffers alike. Elsewhere the peak since the process started is used, which only makes the bound looser.
/// </summary>
internal static class PeakMemory
{
    /// <summary>Starts a new peak at the current resident size.</summary>
    /// <param name="collect">Collect garbage first (slow; for single measurements, not per fuzz case).</param>
    public static void Reset(bool collect = true)
    {
        if (collect)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }

        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not Linux, or not allowed: PeakBytes falls back to the lifetime peak.
        }
    }

    /// <summary>Resident bytes now.</summary>
    public static long CurrentBytes => ReadStatus("VmRSS:") ?? Process.GetCurrentProcess().WorkingSet64;

    /// <summary>Peak resident bytes since the last <see cref="Reset"/>.</summary>
    public static long PeakBytes => ReadStatus("VmHWM:") ?? Process.GetCurrentProcess().PeakWorkingSet64;

    private static long? ReadStatus(string key)
    {
        try
        {
            string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line[key.Length..].Trim().Split(' ')[0]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
