using System.Diagnostics;

namespace MixAug.Benchmarks;

/// <summary>The CPU time a single-threaded stage takes, measured so that a machine shared with other work does not inflate it.</summary>
internal static class CpuTime
{
    /// <summary>
    /// The medians, over nine groups, of the process's CPU time and of the wall time per call of <paramref name="body"/>, in
    /// milliseconds. On a shared machine the wall time includes waiting for a core; the process's CPU time does not (for
    /// single-threaded stages); on several threads a wall time above CPU time / threads is time a thread waited idle.
    /// Linux counts CPU time in 10 ms ticks, so each group runs for 200 ms at least.
    /// </summary>
    public static (double Cpu, double Wall) MedianMilliseconds(Action body)
    {
        var cpu = new double[9];
        var wall = new double[9];
        using var process = Process.GetCurrentProcess();
        for (int g = 0; g < cpu.Length; g++)
        {
            process.Refresh();
            TimeSpan before = process.TotalProcessorTime;
            long start = Stopwatch.GetTimestamp();
            int calls = 0;
            while (calls < 2 || Stopwatch.GetElapsedTime(start).TotalMilliseconds < 200)
            {
                body();
                calls++;
            }

            process.Refresh();
            cpu[g] = (process.TotalProcessorTime - before).TotalMilliseconds / calls;
            wall[g] = Stopwatch.GetElapsedTime(start).TotalMilliseconds / calls;
        }

        Array.Sort(cpu);
        Array.Sort(wall);
        return (cpu[cpu.Length / 2], wall[wall.Length / 2]);
    }
}
