using System.Globalization;

namespace Tap.Benchmarks.Hosts;

/// <summary>A process's resident memory now (VmRSS) and at its peak (VmHWM), from /proc: Linux only, which is where the harness runs.</summary>
internal readonly record struct ProcessMemory(long WorkingSetBytes, long PeakWorkingSetBytes)
{
    public static ProcessMemory Read(int pid)
    {
        long rss = 0, hwm = 0;
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = Kilobytes(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                hwm = Kilobytes(line);
            }
        }

        return new ProcessMemory(rss, hwm);
    }

    public static ProcessMemory Self() => Read(Environment.ProcessId);

    private static long Kilobytes(string line) =>
        1024 * long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
}
