using System.Globalization;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// The sidecar's runtime settings, side by side (<c>--only sidecar-runtime</c>): the same ingest as <see cref="IngestSection"/>'s
/// Tap row, with the store, run under each setting in interleaved repetitions. The record path allocates about 110-150 KB
/// per execution, most of it LiteDB's index nodes that die within the transaction, so the GC is a lever of its own; and
/// a sidecar's thread-pool workers, woken by every pipe read, commit and acknowledgement, would spin before they sleep.
/// </summary>
internal static class SidecarRuntimeSection
{
    private static readonly (string Name, Dictionary<string, string> Environment)[] Variants =
    [
        ("tap's settings: workstation GC, concurrent; thread-pool workers sleep without spinning", []),
        ("thread-pool workers spin before they sleep (DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=70)", new() { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "70" }),
        ("workstation, gen0 budget 64 MiB (DOTNET_GCgen0size=0x4000000)", new() { ["DOTNET_GCgen0size"] = "0x4000000" }),
        ("server, one heap per core (DOTNET_GCDynamicAdaptationMode=0)", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCDynamicAdaptationMode"] = "0" }),
    ];

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var fixtures = FixtureSet.All;
        var runs = Variants.Select(_ => new List<IngestSection.Run>()).ToArray();
        for (var repetition = 0; repetition < settings.IngestRepetitions; repetition++)
        {
            // Rotated, so that drift of the machine falls on every variant alike.
            for (var k = 0; k < Variants.Length; k++)
            {
                var v = (k + repetition) % Variants.Length;
                Console.WriteLine($"  {Variants[v].Name}");
                runs[v].Add(await IngestSection.MeasureTapAsync(fixtures, settings.IngestExecutions, settings.WarmUpExecutions, store: true, environment: Variants[v].Environment));
            }
        }

        var executions = settings.IngestExecutions;
        var baseline = IngestSection.Median(runs[0]);
        var table = new MarkdownTable("sidecar runtime", "executions/s", "against the default", "sidecar CPU µs/execution", "gen0 / gen1 / gen2 per 10,000 executions", "GC pause µs/execution", "peak working set (MiB)");
        for (var v = 0; v < Variants.Length; v++)
        {
            var run = IngestSection.Median(runs[v]);
            var gc = run.Gc!;
            table.Add(
                Variants[v].Name,
                executions / run.Elapsed.TotalSeconds,
                v == 0 ? "" : $"{baseline.Elapsed / run.Elapsed:P1}",
                run.CpuPerExecution(executions),
                string.Create(CultureInfo.InvariantCulture, $"{gc[0] * 10_000.0 / executions:0.#} / {gc[1] * 10_000.0 / executions:0.#} / {gc[2] * 10_000.0 / executions:0.#}"),
                gc[3] * 1000.0 / executions,
                run.PeakWorkingSet / (1024.0 * 1024));
        }

        var text = new StringBuilder().AppendLine(table.ToString());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Medians of {settings.IngestRepetitions} repetitions, the variants' order rotated each time; each is the ingest's Tap row ({executions:N0} executions after a warm-up until the JIT settles, 2 shims with 16 streams each, LiteDB), with the sidecar's process started under the setting named (through the environment variables that stand for the runtimeconfig settings named).");
        return text.ToString();
    }
}
