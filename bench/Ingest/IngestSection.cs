using System.Diagnostics;
using System.Globalization;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;

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

    // Room for the ack window and the unwritten frames the driver allows, counted as the shim counts them (pooled
    // arrays, rounded up to powers of two): the driver's pacing, not the cap, must keep the shims from dropping.
    private const long ClientBufferBytes = 64L * 1024 * 1024;

    // Ended but unrecorded executions across all shims stay under the sidecar's record queue (4096).
    private const int AckWindowPerClient = 1024;

    // Warm-up slices after the first warm-up, until compiling takes under 2% of a slice's time (at most 12 slices).
    private const int WarmUpSlice = 10_000;
    private const int MaxWarmUpSlices = 12;
    private const double SettledJitShare = 0.02;

    // The store's default batch before the benchmark showed 1024 sustains more.
    private const int SmallBatch = 256;

    public static async Task<string> RunAsync(BenchSettings settings)
    {
        var fixtures = FixtureSet.All;
        var executions = settings.IngestExecutions;

        // Every path is measured several times, interleaved, and its median kept: a busy machine slows whichever runs then.
        var drains = new List<Run>();
        var taps = new List<Run>();
        var noStores = new List<Run>();
        var smallBatches = new List<Run>();
        var exporting = new List<Run>();
        var withMetrics = new List<Run>();
        var builds = new List<TimeSpan>();
        var bulks = new List<TimeSpan>();
        var saves = new List<TimeSpan>();
        var hooks = new List<TimeSpan>();
        var spanSteps = new List<SpanExportSteps.Times>();
        RecordBuilder.Build(fixtures, 500);
        StoreBaselines.InsertBulk(RecordBuilder.Build(fixtures, 500), []);

        // Tap's database holds its warm-up's records when the measured ones arrive; the baselines' start as full.
        var prefill = RecordBuilder.Build(fixtures, settings.WarmUpExecutions);
        for (var repetition = 0; repetition < settings.IngestRepetitions; repetition++)
        {
            drains.Add(await MeasureDrainAsync(fixtures, executions, settings.WarmUpExecutions));
            taps.Add(await MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: true));
            noStores.Add(await MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: false));
            smallBatches.Add(await MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: true, SmallBatch));
            await using (var sink = await OtlpSink.StartAsync())
            {
                exporting.Add(await MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: true, otlp: sink));
            }

            withMetrics.Add(await MeasureTapAsync(fixtures, executions, settings.WarmUpExecutions, store: true, metrics: true));
            var clock = Stopwatch.StartNew();
            var built = RecordBuilder.Build(fixtures, executions);
            builds.Add(clock.Elapsed);
            bulks.Add(StoreBaselines.InsertBulk(built, prefill));
            saves.Add(StoreBaselines.RecordStoreSave(built, prefill));
            hooks.Add(StoreBaselines.MetricsHook(built));
            spanSteps.Add(await SpanExportSteps.MeasureAsync(built, prefill));
            Console.WriteLine($"  seconds: drain {drains[^1].Elapsed.TotalSeconds:0.00}, tap {taps[^1].Elapsed.TotalSeconds:0.00}, tap without store {noStores[^1].Elapsed.TotalSeconds:0.00}, tap with batches of {SmallBatch} {smallBatches[^1].Elapsed.TotalSeconds:0.00}, tap exporting spans {exporting[^1].Elapsed.TotalSeconds:0.00}, tap with metrics {withMetrics[^1].Elapsed.TotalSeconds:0.00}, build {builds[^1].TotalSeconds:0.00}, InsertBulk {bulks[^1].TotalSeconds:0.00}, RecordStore.Save {saves[^1].TotalSeconds:0.00}, metrics hook {hooks[^1].TotalSeconds:0.000}");
        }

        var drain = Median(drains);
        var tap = Median(taps);
        var noStore = Median(noStores);
        var smallBatch = Median(smallBatches);
        var export = Median(exporting);
        var metrics = Median(withMetrics);
        var build = Median(builds);
        var bulk = Median(bulks);
        var save = Median(saves);
        var hook = Median(hooks);
        var steps = spanSteps.OrderBy(s => s.Read + s.Create + s.Export).ElementAt(spanSteps.Count / 2);

        var table = new MarkdownTable("path", "executions/s", "frames/s", "MB/s of chunk data", "server CPU µs/execution", "Tap as a fraction of it", "target", "verdict");
        var frames = tap.Frames;
        table.Add("Tap: shims → pipe → sidecar → LiteDB (acked)", executions / tap.Elapsed.TotalSeconds, frames / tap.Elapsed.TotalSeconds, Units.MBps(tap.Bytes, tap.Elapsed), tap.CpuPerExecution(executions), "", "", "");
        var ofDrain = drain.Elapsed / tap.Elapsed;
        table.Add("transport: same shims → pipe → read and discard", executions / drain.Elapsed.TotalSeconds, drain.Frames / drain.Elapsed.TotalSeconds, Units.MBps(drain.Bytes, drain.Elapsed), drain.CpuPerExecution(executions), $"{ofDrain:P1} of frames/s", "≥ 50%", Units.Verdict(ofDrain >= 0.5));
        var ofBulk = bulk / tap.Elapsed;
        table.Add("store: LiteDB InsertBulk of the same records", executions / bulk.TotalSeconds, "", "", "", $"{ofBulk:P1} of executions/s", "≥ 70%", Units.Verdict(ofBulk >= 0.7));
        var ofSave = save / tap.Elapsed;
        table.Add($"store, the sidecar's way: RecordStore.Save, an upsert transaction per {new Tap.Sidecar.Store.StoreOptions().MaxBatchSize} (diagnostic)", executions / save.TotalSeconds, "", "", "", $"{ofSave:P1} of executions/s", "", "");
        table.Add("Tap without the store: shims → pipe → sidecar, records discarded (diagnostic)", executions / noStore.Elapsed.TotalSeconds, noStore.Frames / noStore.Elapsed.TotalSeconds, Units.MBps(noStore.Bytes, noStore.Elapsed), noStore.CpuPerExecution(executions), $"{noStore.Elapsed / tap.Elapsed:P1} of executions/s", "", "");
        table.Add($"Tap with Tap:Store:MaxBatchSize={SmallBatch}, the default before this benchmark (diagnostic)", executions / smallBatch.Elapsed.TotalSeconds, smallBatch.Frames / smallBatch.Elapsed.TotalSeconds, Units.MBps(smallBatch.Bytes, smallBatch.Elapsed), smallBatch.CpuPerExecution(executions), $"{tap.Elapsed / smallBatch.Elapsed:P1} of Tap's executions/s", "", "");
        var ofExport = tap.Elapsed / export.Elapsed;
        table.Add("Tap with span export on: the same, plus a span per record over OTLP/HTTP to a local receiver", executions / export.Elapsed.TotalSeconds, export.Frames / export.Elapsed.TotalSeconds, Units.MBps(export.Bytes, export.Elapsed), export.CpuPerExecution(executions), $"{ofExport:P1} of Tap's executions/s", "≥ 95%", Units.Verdict(ofExport >= 0.95));
        var ofMetrics = tap.Elapsed / metrics.Elapsed;
        table.Add("Tap with metrics on: the Prometheus endpoint, scraped every second (issue 15)", executions / metrics.Elapsed.TotalSeconds, metrics.Frames / metrics.Elapsed.TotalSeconds, Units.MBps(metrics.Bytes, metrics.Elapsed), metrics.CpuPerExecution(executions), $"{ofMetrics:P1} of Tap's executions/s", "≥ 95%", Units.Verdict(ofMetrics >= 0.95));
        table.Add("metrics counted after each commit, same records, SDK listening: SidecarMetrics.Committed per batch (diagnostic)", executions / hook.TotalSeconds, "", "", $"{hook.TotalMicroseconds / executions:0.00}", $"{hook / save:P2} of RecordStore.Save's time", "", "");
        foreach (var (step, took, bytes) in new[] { ("read back from the store, a page per export (CommittedAfter; only when behind)", steps.Read, steps.ReadBytes), ("made into spans (ExecutionSpans.Create)", steps.Create, steps.CreateBytes), ("sent over OTLP/HTTP by the official exporter", steps.Export, steps.ExportBytes) })
        {
            table.Add($"span export, same records, one thread: {step}, {bytes / executions:N0} B allocated per span (diagnostic)", executions / took.TotalSeconds, "", "", $"{took.TotalMicroseconds / executions:0.00}", $"{took / save:P1} of RecordStore.Save's time", "", "");
        }

        table.Add("sidecar code alone, one thread: state + aggregator + decision + record, no pipe, no store (diagnostic)", executions / build.TotalSeconds, "", "", "", $"{build / tap.Elapsed:P1} of executions/s", "", "");

        var text = new StringBuilder().AppendLine(table.ToString());
        text.AppendLine(CultureInfo.InvariantCulture,
            $"Medians of {settings.IngestRepetitions} interleaved repetitions. {executions:N0} executions cycling through all {fixtures.Count} .sse fixtures ({frames:N0} frames: Start, Response, one Chunk per SSE event, UpstreamEnd, End), from {Clients} shims with {StreamsPerClient} streams in flight each. Frames dropped by the shims: {taps.Sum(r => r.Dropped) + drains.Sum(r => r.Dropped) + noStores.Sum(r => r.Dropped) + smallBatches.Sum(r => r.Dropped) + exporting.Sum(r => r.Dropped) + withMetrics.Sum(r => r.Dropped):N0}. With span export on, spans the receiver had accepted when the last record was acknowledged: {export.Exported:N0} of the {export.Recorded:N0} it recorded (warm-up included; the export follows the commits, it does not hold them). Tap's time runs until the last acknowledgement; the transport's until the discarding server has read the last byte.");
        return text.ToString();
    }

    private static async Task<Run> MeasureDrainAsync(IReadOnlyList<Fixture> fixtures, int executions, int warmUpExecutions)
    {
        var pipe = Endpoints.UniquePipeName();
        await using var server = await ChildProcess.StartAsync("drain", serverGc: false, "--pipe", pipe);
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => BenchClients.ConnectAsync(pipe, ClientBufferBytes)));
        var drivers = clients.Select(c => new ReplayDriver(c, fixtures)).ToArray();
        await Task.WhenAll(drivers.Select((d, i) => Task.Run(() => d.RunAsync(warmUpExecutions / Clients, StreamsPerClient, AckWindowPerClient, i * 7))));
        foreach (var client in clients)
        {
            await client.FlushAsync(TimeSpan.FromSeconds(60));
        }

        var before = drivers.Select(d => (d.Frames, d.Bytes)).ToArray();
        var serverCpu = server.CpuTime;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(drivers.Select((d, i) => Task.Run(() => d.RunAsync(executions / Clients, StreamsPerClient, AckWindowPerClient, i * 7))));
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

        return new Run(clock.Elapsed, drivers.Select((d, i) => d.Frames - before[i].Frames).Sum(), drivers.Select((d, i) => d.Bytes - before[i].Bytes).Sum(), dropped, server.CpuTime - serverCpu);
    }

    /// <param name="metrics">Serve the Prometheus scrape and scrape it every second during the measurement, as Prometheus would.</param>
    /// <param name="environment">Runtime settings of the sidecar's process (the GC's, say).</param>
    internal static async Task<Run> MeasureTapAsync(IReadOnlyList<Fixture> fixtures, int executions, int warmUpExecutions, bool store, int? batch = null, OtlpSink? otlp = null, bool metrics = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        var warmUp = warmUpExecutions / Clients;
        var folder = Endpoints.NewTempFolder();
        try
        {
            var pipe = Endpoints.UniquePipeName();
            var port = Endpoints.FreeTcpPort();
            string[] roleArgs = ["--pipe", pipe, "--db", Path.Combine(folder, "tap.db"), "--store", store ? "litedb" : "none", "--batch", (batch ?? new Tap.Sidecar.Store.StoreOptions().MaxBatchSize).ToString(CultureInfo.InvariantCulture)];
            string[] otlpArgs = otlp is null ? [] : ["--otlp", otlp.Endpoint];
            string[] metricsArgs = metrics ? ["--metrics", port.ToString(CultureInfo.InvariantCulture)] : [];
            await using var sidecar = await ChildProcess.StartAsync("sidecar", serverGc: false, environment ?? new Dictionary<string, string>(), [.. roleArgs, .. otlpArgs, .. metricsArgs]);
            var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => BenchClients.ConnectAsync(pipe, ClientBufferBytes)));
            var drivers = clients.Select(c => new ReplayDriver(c, fixtures)).ToArray();

            // Warm-up, so that the sidecar's JIT and first pages are not charged to the measurement: the given executions,
            // then slices more until tiered compilation has settled (its background compiler, starved on two busy cores,
            // was still taking a fifth of the sidecar's CPU after 40,000 executions).
            var sent = 0;
            async Task SliceAsync(int perClient)
            {
                await Task.WhenAll(drivers.Select((d, i) => Task.Run(async () =>
                {
                    await d.RunAsync(perClient, StreamsPerClient, AckWindowPerClient, i * 7);
                    await d.WaitForAcksAsync(sent + perClient, TimeSpan.FromMinutes(1));
                })));
                sent += perClient;
            }

            await SliceAsync(warmUp);
            for (var slice = 0; slice < MaxWarmUpSlices; slice++)
            {
                var (_, jitBefore) = ParseJit(await sidecar.AskAsync("jit"));
                var clock0 = Stopwatch.StartNew();
                await SliceAsync(WarmUpSlice / Clients);
                var (_, jitAfter) = ParseJit(await sidecar.AskAsync("jit"));
                if (jitAfter - jitBefore < SettledJitShare * clock0.Elapsed.TotalMilliseconds)
                {
                    break;
                }
            }

            var jitAtStart = await sidecar.AskAsync("jit");
            var before = drivers.Select(d => (d.Frames, d.Bytes)).ToArray();
            var sidecarCpu = sidecar.CpuTime;
            var gcBefore = await sidecar.AskAsync("gc");
            var ioBefore = await sidecar.AskAsync("io");
            using var stopScraping = new CancellationTokenSource();
            var scraper = metrics ? ScrapeEverySecondAsync(new Uri($"http://127.0.0.1:{port}/metrics"), stopScraping.Token) : Task.FromResult(0);
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(drivers.Select((d, i) => Task.Run(async () =>
            {
                await d.RunAsync(executions / Clients, StreamsPerClient, AckWindowPerClient, i * 7);
                await d.WaitForAcksAsync(sent + (executions / Clients), TimeSpan.FromMinutes(5));
            })));
            var elapsed = clock.Elapsed;
            var cpu = sidecar.CpuTime - sidecarCpu;
            var gcAfter = await sidecar.AskAsync("gc");
            var io = (await sidecar.AskAsync("io")).Split(' ').Zip(ioBefore.Split(' '), (a, b) => long.Parse(a, CultureInfo.InvariantCulture) - long.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            Console.WriteLine($"  sidecar wrote {io[0] / executions:N0} B per execution in {(double)io[1] / executions:0.00} writes");
            var (methods0, jit0) = ParseJit(jitAtStart);
            var (methods1, jit1) = ParseJit(await sidecar.AskAsync("jit"));
            Console.WriteLine($"  sidecar warmed with {sent * Clients:N0} executions; during the measurement it compiled {methods1 - methods0:N0} methods in {jit1 - jit0:N0} ms");
            Console.WriteLine($"  sidecar GCs (gen0 gen1 gen2 pause-ms allocated-bytes) before/after the measurement: {gcBefore} / {gcAfter}; allocated per execution: {(long.Parse(gcAfter.Split(' ')[^1], CultureInfo.InvariantCulture) - long.Parse(gcBefore.Split(' ')[^1], CultureInfo.InvariantCulture)) / executions:N0} B");
            await stopScraping.CancelAsync();
            if (metrics)
            {
                Console.WriteLine($"  scrapes during the measurement: {await scraper}");
            }
            var dropped = clients.Sum(c => c.Counters.FramesDropped);
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }

            var exported = otlp is null ? 0 : long.Parse(await sidecar.AskAsync("exported"), CultureInfo.InvariantCulture);
            Console.WriteLine($"  sidecar recorded/dropped: {await sidecar.AskAsync("recorded")}" + (otlp is null ? "" : $", spans exported: {exported}"));
            var gcDelta = gcAfter.Split(' ').Zip(gcBefore.Split(' '), (a, b) => long.Parse(a, CultureInfo.InvariantCulture) - long.Parse(b, CultureInfo.InvariantCulture)).ToArray();
            return new Run(elapsed, drivers.Select((d, i) => d.Frames - before[i].Frames).Sum(), drivers.Select((d, i) => d.Bytes - before[i].Bytes).Sum(), dropped, cpu, exported, sent * Clients + executions, gcDelta, sidecar.Memory.PeakWorkingSetBytes);
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static async Task<int> ScrapeEverySecondAsync(Uri url, CancellationToken stop)
    {
        using var http = new HttpClient();
        var scrapes = 0;
        try
        {
            while (true)
            {
                _ = await http.GetStringAsync(url, stop);
                scrapes++;
                await Task.Delay(TimeSpan.FromSeconds(1), stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return scrapes;
        }
    }

    private static (long Methods, double Milliseconds) ParseJit(string answer) =>
        answer.Split(' ') is [var methods, var milliseconds]
            ? (long.Parse(methods, CultureInfo.InvariantCulture), double.Parse(milliseconds, CultureInfo.InvariantCulture))
            : throw new InvalidOperationException($"The sidecar answered '{answer}' to jit.");

    internal static Run Median(List<Run> runs) => runs.OrderBy(r => r.Elapsed).ElementAt(runs.Count / 2);

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    /// <param name="ServerCpu">CPU of the sidecar (or the discarding server) during the run.</param>
    /// <param name="Exported">With span export on: spans the receiver had accepted when the last record was acknowledged.</param>
    /// <param name="Recorded">Executions the sidecar recorded in all, its warm-up included.</param>
    /// <param name="Gc">The sidecar's gen0, gen1 and gen2 collections, GC pause in ms and bytes allocated during the measurement.</param>
    /// <param name="PeakWorkingSet">The sidecar's peak resident memory.</param>
    internal sealed record Run(TimeSpan Elapsed, long Frames, long Bytes, long Dropped, TimeSpan ServerCpu, long Exported = 0, long Recorded = 0, long[]? Gc = null, long PeakWorkingSet = 0)
    {
        public double CpuPerExecution(int executions) => ServerCpu.TotalMicroseconds / executions;
    }
}
