using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// The sidecar's two halves side by side (<c>--only sidecar-paths</c>), for measuring one change to the ingest: the
/// ingest's Tap row with its store and without it (records discarded), interleaved, and the sidecar's code alone on one
/// thread, whose time per execution is the unit that makes runs on a machine of changing speed comparable.
/// </summary>
internal static class SidecarPathsSection
{
    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var fixtures = FixtureSet.All;
        var executions = settings.IngestExecutions;
        var withStore = new List<IngestSection.Run>();
        var withoutStore = new List<IngestSection.Run>();
        var alone = new List<TimeSpan>();
        RecordBuilder.Build(fixtures, 500);
        for (var repetition = 0; repetition < settings.IngestRepetitions; repetition++)
        {
            var storeFirst = repetition % 2 == 0;
            (storeFirst ? withStore : withoutStore).Add(await IngestSection.MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: storeFirst));
            (storeFirst ? withoutStore : withStore).Add(await IngestSection.MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: !storeFirst));
            var clock = Stopwatch.StartNew();
            RecordBuilder.Build(fixtures, executions);
            alone.Add(clock.Elapsed);
        }

        var unit = alone.Order().ElementAt(alone.Count / 2).TotalMicroseconds / executions;
        var table = new MarkdownTable("sidecar path", "executions/s", "sidecar CPU µs/execution", "in units of the code alone", "allocated per execution (KB)", "peak working set (MiB)");
        foreach (var (name, runs) in new[] { ("Tap: shims → pipe → sidecar → LiteDB (acked)", withStore), ("Tap without the store: records discarded", withoutStore) })
        {
            var run = IngestSection.Median(runs);
            var cpu = run.CpuPerExecution(executions);
            table.Add(name, executions / run.Elapsed.TotalSeconds, cpu, cpu / unit, run.Gc![4] / 1000.0 / executions, run.PeakWorkingSet / (1024.0 * 1024));
        }

        table.Add("sidecar code alone, one thread: state + aggregator + decision + record, no pipe, no store", executions / (unit * executions / 1e6), unit, 1.0, "", "");
        var text = new StringBuilder().AppendLine(table.ToString());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Medians of {settings.IngestRepetitions} repetitions, the two sidecars' order alternated; each is the ingest's Tap row ({executions:N0} executions after a warm-up until the JIT settles, 2 shims with 16 streams each).");
        return text.ToString();
    }
}
