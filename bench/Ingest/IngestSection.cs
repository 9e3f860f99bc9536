using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;
using Tap.Shim;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// Sidecar ingest end to end (shims → pipe → sidecar → LiteDB committed, counted by the sidecar's acks) beside
/// its two limits measured in the same run with the same executions: a pipe server that only reads and
/// discards (the transport), and LiteDB inserting the same records directly (the store).
/// </summary>
internal static class IngestSection
{
    /// <summary>One shim per core: the sidecar reads each connection on its own task.</summary>
    private static readonly int Clients = Math.Max(2, Environment.ProcessorCount);

    private const int StreamsPerClient = 16;

    // Ended but unrecorded executions across all shims stay under the sidecar's record queue (4096).
    private const int AckWindowPerClient = 1024;

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var fixtures = FixtureSet.All;
        var executions = settings.IngestExecutions;

        var drain = await MeasureDrainAsync(fixtures, executions);
        Console.WriteLine($"  drain: {drain.Elapsed.TotalSeconds:0.00} s");
        var tap = await MeasureTapAsync(fixtures, executions);
        Console.WriteLine($"  tap: {tap.Elapsed.TotalSeconds:0.00} s");
        var records = RecordBuilder.Build(fixtures, executions);
        var bulk = StoreBaselines.InsertBulk(records);
        Console.WriteLine($"  LiteDB InsertBulk: {bulk.TotalSeconds:0.00} s");
        var save = StoreBaselines.RecordStoreSave(records);
        Console.WriteLine($"  RecordStore.Save: {save.TotalSeconds:0.00} s");

        var table = new MarkdownTable("path", "executions/s", "frames/s", "MB/s of chunk data", "Tap as a fraction of it", "target", "verdict");
        var frames = tap.Frames;
        table.Add("Tap: shims → pipe → sidecar → LiteDB (acked)", executions / tap.Elapsed.TotalSeconds, frames / tap.Elapsed.TotalSeconds, Units.MBps(tap.Bytes, tap.Elapsed), "", "", "");
        var ofDrain = drain.Elapsed / tap.Elapsed;
        table.Add("transport: same shims → pipe → read and discard", executions / drain.Elapsed.TotalSeconds, drain.Frames / drain.Elapsed.TotalSeconds, Units.MBps(drain.Bytes, drain.Elapsed), $"{ofDrain:P1} of frames/s", "≥ 50%", Units.Verdict(ofDrain >= 0.5));
        var ofBulk = bulk / tap.Elapsed;
        table.Add("store: LiteDB InsertBulk of the same records", executions / bulk.TotalSeconds, "", "", $"{ofBulk:P1} of executions/s", "≥ 70%", Units.Verdict(ofBulk >= 0.7));
        var ofSave = save / tap.Elapsed;
        table.Add("store, the sidecar's way: RecordStore.Save, upsert per 256 (diagnostic)", executions / save.TotalSeconds, "", "", $"{ofSave:P1} of executions/s", "", "");

        var text = new StringBuilder().AppendLine(table.ToString());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{executions:N0} executions cycling through all {fixtures.Count} .sse fixtures ({frames:N0} frames: Start, Response, one Chunk per SSE event, UpstreamEnd, End), from {Clients} shims with {StreamsPerClient} streams in flight each. Frames dropped by the shims: {tap.Dropped + drain.Dropped:N0}. Tap's time runs until the last acknowledgement; the transport's until the discarding server has read the last byte.");
        return text.ToString();
    }

    private static async Task<Run> MeasureDrainAsync(IReadOnlyList<Fixture> fixtures, int executions)
    {
        var pipe = Endpoints.UniquePipeName();
        await using var server = await ChildProcess.StartAsync("drain", serverGc: false, "--pipe", pipe);
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => BenchClients.ConnectAsync(pipe)));
        var drivers = clients.Select(c => new ReplayDriver(c, fixtures)).ToArray();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(drivers.Select((d, i) => Task.Run(() => d.RunAsync(executions / Clients, StreamsPerClient, ackWindow: null, i * 7))));
        var dropped = 0L;
        foreach (var client in clients)
        {
            await client.FlushAsync(TimeSpan.FromSeconds(60));
            dropped += client.Counters.FramesDropped;
            await client.DisposeAsync();
        }

        for (var i = 0; i < Clients; i++)
        {
            await server.AskAsync("closed");
        }

        return new Run(clock.Elapsed, drivers.Sum(d => d.Frames), drivers.Sum(d => d.Bytes), dropped);
    }

    private static async Task<Run> MeasureTapAsync(IReadOnlyList<Fixture> fixtures, int executions)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            var pipe = Endpoints.UniquePipeName();
            await using var sidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, "--pipe", pipe, "--db", Path.Combine(folder, "tap.db"));
            var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => BenchClients.ConnectAsync(pipe)));
            var drivers = clients.Select(c => new ReplayDriver(c, fixtures)).ToArray();
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(drivers.Select((d, i) => Task.Run(async () =>
            {
                await d.RunAsync(executions / Clients, StreamsPerClient, AckWindowPerClient, i * 7);
                await d.WaitForAcksAsync(executions / Clients, TimeSpan.FromMinutes(5));
            })));
            var elapsed = clock.Elapsed;
            var dropped = clients.Sum(c => c.Counters.FramesDropped);
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            Console.WriteLine($"  sidecar recorded/dropped: {await sidecar.AskAsync("recorded")}");
            return new Run(elapsed, drivers.Sum(d => d.Frames), drivers.Sum(d => d.Bytes), dropped);
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private sealed record Run(TimeSpan Elapsed, long Frames, long Bytes, long Dropped);
}
