using System.Globalization;

namespace Tap.Benchmarks.Reporting;

/// <summary>Samples the machine's 1-minute load average every 5 s, so the report says how busy the machine was.</summary>
internal sealed class LoadSampler : IDisposable
{
    private readonly List<double> _samples = [];
    private readonly Timer _timer;

    private LoadSampler() => _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromSeconds(5));

    public static LoadSampler Start() => new();

    /// <summary>The 1, 5 and 15-minute load averages now, as /proc/loadavg gives them.</summary>
    public static string Current() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ')[..3]);

    public string Summary()
    {
        lock (_samples)
        {
            return _samples.Count == 0 ? "no samples"
                : string.Create(CultureInfo.InvariantCulture, $"1-min load average during the run: min {_samples.Min():0.00}, mean {_samples.Average():0.00}, max {_samples.Max():0.00} ({_samples.Count} samples, {Environment.ProcessorCount} cores)");
        }
    }

    public void Dispose() => _timer.Dispose();

    private void Sample()
    {
        var oneMinute = double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        lock (_samples)
        {
            _samples.Add(oneMinute);
        }
    }
}
