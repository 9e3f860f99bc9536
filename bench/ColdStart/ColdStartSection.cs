using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;

namespace Tap.Benchmarks.ColdStart;

/// <summary>
/// A freshly started <c>tap serve</c> against the same process once warm (issue 11: a restarted sidecar must work off
/// a backlog at close to its steady-state rate). Each variant starts a new process on an empty database, replays
/// slices of <see cref="SliceExecutions"/> executions through it as fast as it acknowledges them, and compares the
/// first slice's executions per second with the last slices'. The variants are the build output (what
/// <c>dotnet run --project sidecar</c> runs: jitted), the ReadyToRun publish an operator installs, and runtime settings
/// given as environment variables.
/// </summary>
internal static class ColdStartSection
{
    public const int SliceExecutions = 10_000;

    private const int Clients = 2;
    private const int StreamsPerClient = 16;
    private const int AckWindowPerClient = 1024;
    private const long ClientBufferBytes = 64L * 1024 * 1024;

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            var jit = Path.Combine(AppContext.BaseDirectory, "tap.dll");
            Console.WriteLine("  publishing tap with ReadyToRun");
            var readyToRun = await ReadyToRunPublish.PublishAsync(Path.Combine(folder, "publish"));
            var variants = new List<(string Name, string Tap, Dictionary<string, string> Environment)>
            {
                ("build output, jitted (`dotnet run --project sidecar`)", jit, []),
                ("published with ReadyToRun (`dotnet publish sidecar -c Release -r linux-x64`)", readyToRun, []),
            };
            if (settings.ColdVariants)
            {
                // tap turns dynamic PGO off (sidecar/Tap.Sidecar.csproj); these rows put the runtime's defaults beside it.
                variants.Add(("ReadyToRun, `DOTNET_TieredPGO=1` (the runtime's default)", readyToRun, new() { ["DOTNET_TieredPGO"] = "1" }));
                variants.Add(("ReadyToRun, `DOTNET_TieredPGO=1`, `DOTNET_TC_CallCountingDelayMs=0`", readyToRun, new() { ["DOTNET_TieredPGO"] = "1", ["DOTNET_TC_CallCountingDelayMs"] = "0" }));
                variants.Add(("build output, `DOTNET_TieredPGO=1`", jit, new() { ["DOTNET_TieredPGO"] = "1" }));
            }

            var table = new MarkdownTable("tap serve", "start until listening (ms)", "first 10,000: executions/s", "steady: executions/s", "first / steady", "target", "verdict", "sidecar CPU µs/execution, first / steady", "every slice, executions/s");
            foreach (var (name, tap, environment) in variants)
            {
                var slices = await MeasureAsync(tap, environment, settings.ColdSlices, folder);
                var first = slices[0];
                var steady = Steady(slices);
                var ratio = first.Rate / steady.Rate;
                table.Add(name, slices.Startup.TotalMilliseconds, first.Rate, steady.Rate, $"{ratio:P0}", "≥ 70%", Units.Verdict(ratio >= 0.7), $"{first.CpuMicroseconds:0} / {steady.CpuMicroseconds:0}", string.Join(" → ", slices.Select(s => s.Rate.ToString("#,0", CultureInfo.InvariantCulture))));
                Console.WriteLine($"  {name}: {string.Join(", ", slices.Select(s => $"{s.Rate:0}/s {s.CpuMicroseconds:0} µs"))}");
            }

            return new StringBuilder().AppendLine(table.ToString()).AppendLine(CultureInfo.InvariantCulture,
                $"Each row is a fresh `tap serve` process on an empty database, fed by {Clients} shims with {StreamsPerClient} streams each (all {FixtureSet.All.Count} .sse fixtures in turn), as fast as it acknowledges: {settings.ColdSlices + 1} slices of {SliceExecutions:N0} executions, each timed from its first Start to its last acknowledgement. Steady is the median of the last {SteadySlices(settings.ColdSlices + 1)} slices. Frames dropped by the shims: 0 (the driver never lets them drop).").ToString();
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static int SteadySlices(int slices) => Math.Min(3, slices - 1);

    private static Slice Steady(Slices slices) =>
        slices.Skip(slices.Count - SteadySlices(slices.Count)).OrderBy(s => s.Rate).ElementAt(SteadySlices(slices.Count) / 2);

    private static async Task<Slices> MeasureAsync(string tap, Dictionary<string, string> environment, int steadySlices, string folder)
    {
        var run = Path.Combine(folder, Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(run);
        var socket = Path.Combine(run, "tap.sock");
        await using var sidecar = await TapServeChild.StartAsync(tap, socket, Path.Combine(run, "tap.db"), environment);
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => BenchClients.ConnectAsync(socket, ClientBufferBytes)));
        try
        {
            var fixtures = FixtureSet.All;
            var drivers = clients.Select(c => new ReplayDriver(c, fixtures)).ToArray();
            var result = new Slices(sidecar.Startup);
            var perClient = SliceExecutions / Clients;
            for (var slice = 0; slice <= steadySlices; slice++)
            {
                var cpu = sidecar.CpuTime;
                var clock = Stopwatch.StartNew();
                var acked = (long)perClient * (slice + 1);
                await Task.WhenAll(drivers.Select((d, i) => Task.Run(async () =>
                {
                    await d.RunAsync(perClient, StreamsPerClient, AckWindowPerClient, (i * 7) + (slice * perClient));
                    await d.WaitForAcksAsync(acked, TimeSpan.FromMinutes(5));
                })));
                result.Add(new Slice(SliceExecutions / clock.Elapsed.TotalSeconds, (sidecar.CpuTime - cpu).TotalMicroseconds / SliceExecutions));
            }

            var dropped = clients.Sum(c => c.Counters.FramesDropped);
            return dropped == 0 ? result : throw new InvalidOperationException($"The shims dropped {dropped} frames: the measurement is void.");
        }
        finally
        {
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        }
    }

    private sealed record Slice(double Rate, double CpuMicroseconds);

    private sealed class Slices(TimeSpan startup) : List<Slice>
    {
        public TimeSpan Startup { get; } = startup;
    }
}
