namespace Tap.Benchmarks.Reporting;

/// <summary>Unit conversions for the report.</summary>
internal static class Units
{
    public static double MiB(long bytes) => bytes / (1024.0 * 1024.0);

    public static double MBps(double bytes, TimeSpan elapsed) => bytes / 1e6 / elapsed.TotalSeconds;

    public static double Percent(double part, double whole) => whole == 0 ? double.NaN : 100.0 * part / whole;

    public static string Verdict(bool met) => met ? "**met**" : "**missed**";
}
