using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Tap.Benchmarks.Reporting;

/// <summary>The run's results: one markdown section per measurement, the command and the machine's state.</summary>
internal sealed class BenchReport(BenchSettings settings, string arguments)
{
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly string _loadAtStart = LoadSampler.Current();
    private readonly StringBuilder _sections = new();

    public void Add(string section, string markdown, string loadAfter)
    {
        _sections.AppendLine(CultureInfo.InvariantCulture, $"## {section}").AppendLine();
        _sections.AppendLine(markdown.TrimEnd()).AppendLine();
        _sections.AppendLine(CultureInfo.InvariantCulture, $"_Load average (1/5/15 min) after this section: {loadAfter}._").AppendLine();
    }

    /// <summary>Writes the report under BenchmarkDotNet.Artifacts/ and returns its path.</summary>
    public string Write(string loadSummary)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# Tap benchmarks: {settings.Name} run").AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"- command: `dotnet run -c Release --project bench -- {arguments}`");
        text.AppendLine(CultureInfo.InvariantCulture, $"- started {_started:yyyy-MM-dd HH:mm} UTC, took {(DateTime.UtcNow - _started).TotalMinutes:0.0} min");
        text.AppendLine(CultureInfo.InvariantCulture, $"- machine: {Environment.ProcessorCount} cores, {Units.MiB(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes) / 1024:0.0} GiB, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}");
        text.AppendLine(CultureInfo.InvariantCulture, $"- load average (1/5/15 min) at start: {_loadAtStart}; {loadSummary}").AppendLine();
        text.Append(_sections);
        var folder = Path.Combine(Environment.CurrentDirectory, "BenchmarkDotNet.Artifacts", "tap");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, $"tap-bench-{settings.Name}-{_started:yyyyMMdd-HHmmss}.md");
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
