using System.IO.Pipes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tap.Protocol;
using Tap.Shim;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>Every execution the gateway served ends up recorded exactly once, whatever happens to the sidecar or the connection.</summary>
public class DeliveryTests
{
    private const string ChatRequest = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}""";
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");

    [Test]
    public async Task Sidecar_restarted_under_load_records_every_served_execution_exactly_once_with_its_status()
    {
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(10)));
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var database = folder.File("tap.db");
        var sidecar = await SidecarProcess.StartAsync(pipe, database);
        await using var gateway = await GatewayProcess.StartAsync(provider.BaseAddress, pipe);
        using var client = gateway.CreateClient();
        await Eventually.TrueAsync(() => gateway.Tap.IsConnected, "the gateway's shim connects");

        var served = 0;
        var failures = 0;
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 20).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                try
                {
                    var (response, body) = await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/chat/completions", ChatRequest, $"load-{worker}-{i}"));
                    Interlocked.Increment(ref response.IsSuccessStatusCode && body.Length == Transcript.Length ? ref served : ref failures);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        await Eventually.TrueAsync(() => Volatile.Read(ref served) >= 100, "load is under way");
        await sidecar.StopAsync();
        var servedWhenStopped = Volatile.Read(ref served);
        await Eventually.TrueAsync(() => Volatile.Read(ref served) >= servedWhenStopped + 50, "the gateway serves on while the sidecar is away");
        await using var restarted = await SidecarProcess.StartAsync(pipe, database);
        var acknowledgedAtRestart = gateway.Tap.Counters.ExecutionsAcknowledged;
        await Eventually.TrueAsync(() => gateway.Tap.Counters.ExecutionsAcknowledged >= acknowledgedAtRestart + 50, "the restarted sidecar records", TimeSpan.FromSeconds(60));
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);

        await Eventually.TrueAsync(() => restarted.Records.Count() >= served, $"all {served} served executions are recorded", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(() => gateway.Tap.Counters.BufferedBytes == 0, "every execution is acknowledged", TimeSpan.FromSeconds(30));
        var records = restarted.Records.Query(new RecordQuery { Limit = 100_000 });
        TestContext.Out.WriteLine($"served {served}, client failures {failures}, records {records.Count}, replayed frames {gateway.Tap.Counters.FramesReplayed}");
        Assert.Multiple(() =>
        {
            Assert.That(failures, Is.Zero, "the gateway's clients saw no error");
            Assert.That(records.Select(r => r.RequestId).Distinct().Count(), Is.EqualTo(records.Count), "no execution recorded twice");
            Assert.That(records, Has.Count.EqualTo(served));
            Assert.That(records.Where(r => r.Status != "completed").Select(r => $"{r.RequestId}: {r.Explanation}"), Is.Empty);
        });
    }

    [Test]
    public async Task Execution_in_flight_across_a_sidecar_restart_is_replayed_and_recorded_once_with_its_true_status()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MinReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(100) });
        await Eventually.TrueAsync(() => client.IsConnected, "connected");
        var execution = client.StartExecution(new TapExecutionInfo { RequestId = "resumed", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
        execution.Response(200, "text/event-stream");
        execution.Chunk(Transcript.AsSpan(0, 500));
        Assert.That(await client.FlushAsync(TimeSpan.FromSeconds(5)), Is.True);

        await sidecar.StopAsync();
        Assert.That((await WaitForAsync(sidecar, "resumed")).Reason, Is.EqualTo("sidecar_shutdown"), "stopped with the execution in flight");
        await using var restarted = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await Eventually.TrueAsync(() => client.Counters.Connects == 2, "the shim reconnects");
        execution.Chunk(Transcript.AsSpan(500));
        execution.UpstreamEnd();
        execution.End();

        await Eventually.TrueAsync(() => restarted.Records.Query(new RecordQuery { RequestId = "resumed" }).Single().Status == "completed", "the replay replaces the abandoned record");
        var record = restarted.Records.Query(new RecordQuery { RequestId = "resumed" }).Single();
        Assert.That((record.Status, record.Proof, record.Usage?.Source), Is.EqualTo(("completed", "terminal_event", "final")), record.Explanation);
    }

    [Test]
    public async Task Execution_the_shim_dropped_whole_is_recorded_abandoned_with_the_reason()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        var id = new byte[16];
        Random.Shared.NextBytes(id);
        await using var pipe = new NamedPipeClientStream(".", sidecar.PipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
        await pipe.ConnectAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        var now = Timestamps.ToWire(DateTimeOffset.UtcNow);
        foreach (var message in new ProtocolMessage[]
        {
            new HelloMessage { ProtocolVersion = 1, GatewayName = "raw" },
            new StartMessage { ExecutionId = id, Timestamp = now, RequestId = "dropped-whole", Attempt = 1, ApiFormat = "openai-chat", Stream = true },
            new ResponseMessage { ExecutionId = id, Sequence = 1, Timestamp = now, StatusCode = 200, ContentType = "text/event-stream" },
            new EndMessage { ExecutionId = id, Sequence = 5, Timestamp = now, DroppedFrames = EndMessage.DroppedWhole },
        })
        {
            await pipe.WriteAsync(ProtocolSerializer.ToFrame(message));
        }

        var record = await sidecar.WaitForRecordAsync("dropped-whole");
        Assert.That((record.Status, record.Reason, record.Rule), Is.EqualTo(("abandoned", "shim_dropped", 7)), record.Explanation);
    }

    [Test]
    public async Task Executions_a_shim_dropped_whole_while_the_sidecar_was_away_are_recorded_once_it_starts_and_counted_in_stats()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MaxBufferedBytes = 64 * 1024, MaxFrameBytes = 8 * 1024, MaxReconnectDelay = TimeSpan.FromMilliseconds(100), Spool = { Mode = TapSpoolMode.Off } });
        for (var i = 0; i < 100; i++)
        {
            using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"away-{i}", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
            execution.Response(200, "text/event-stream");
            execution.Chunk(Transcript);
            execution.UpstreamEnd();

            // A gateway's pace, not a tight loop: the writer keeps up and evicts the oldest (a faster burst hits the hard cap).
            await Task.Delay(2);
        }

        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the shim keeps within its cap by dropping whole executions");
        var dropped = client.Counters.ExecutionsDropped;
        Assert.That(dropped, Is.InRange(1, 99));

        await using var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 100 - dropped, "every execution the shim kept is recorded", TimeSpan.FromSeconds(30));

        // The report of the drops travels on its own and may be acknowledged after the executions.
        await Eventually.TrueAsync(() => sidecar.Records.ShimLosses(new RecordQuery()).Sum(loss => loss.Count) == dropped, "the shim's reports of what it dropped are recorded");

        var records = sidecar.Records.Query(new RecordQuery { Limit = 1000 });
        var stats = await CliRunner.RunJsonAsync("stats", "--json", "--endpoint", pipe, "--db", folder.File("tap.db"));
        var (_, _, listNote) = await CliRunner.RunAsync("list", "--endpoint", pipe, "--db", folder.File("tap.db"));
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(100 - dropped));
            Assert.That(records.Select(r => r.Status), Is.All.EqualTo("completed"), "kept executions are whole, never partial");
            Assert.That(records.Select(r => r.RequestId), Does.Contain("away-99"), "the oldest are dropped first, the newest kept");
            Assert.That(stats.GetProperty("executions_lost_by_shims").GetInt64(), Is.EqualTo(dropped));
            Assert.That(listNote, Does.Contain($"{dropped} served executions were never recorded"));
        });
    }

    [Test]
    public async Task A_store_slower_than_the_shims_pauses_reading_and_records_every_execution_without_dropping_any()
    {
        using var saving = new ManualResetEventSlim();
        await using var sidecar = await SidecarProcess.StartAsync(configure: services => services.AddSingleton(sp => new RecordWriter(
            batch =>
            {
                saving.Wait(TimeSpan.FromSeconds(60));
                sp.GetRequiredService<RecordStore>().Save(batch);
            },
            new StoreOptions { MaxBatchSize = 256 },
            sp.GetRequiredService<ILogger<RecordWriter>>(),
            TimeProvider.System)));
        var writer = sidecar.Services.GetRequiredService<RecordWriter>();
        var total = RecordWriter.QueueCapacity + 2000;
        await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName, MaxBufferedBytes = 128L * 1024 * 1024 });
        await Eventually.TrueAsync(() => client.IsConnected, "the shim connects");

        for (var i = 0; i < total; i++)
        {
            using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"slow-store-{i}", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
            execution.Response(200, "text/event-stream");
            execution.Chunk(Transcript);
            execution.UpstreamEnd();
        }

        // The store is stuck: the sidecar stops reading once its queue is full, and the rest waits in the shim.
        await Eventually.TrueAsync(() => writer.Pauses > 0, "the connection's reader pauses");
        var queuedWhilePaused = writer.Queued;
        await Task.Delay(300);
        var stillQueued = writer.Queued;
        var unacknowledged = client.Counters.BufferedBytes;
        saving.Set();

        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == total, "every execution is recorded and acknowledged", TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine($"queued when the reader paused: {queuedWhilePaused}; pauses: {writer.Pauses}; held by the shim meanwhile: {unacknowledged / 1024} KiB");
        Assert.Multiple(() =>
        {
            Assert.That(queuedWhilePaused, Is.InRange(RecordWriter.QueueCapacity, total - 1), "reading paused before everything was decided");
            Assert.That(stillQueued, Is.EqualTo(queuedWhilePaused), "nothing more is read while paused");
            Assert.That(sidecar.Records.Count(), Is.EqualTo(total));
            Assert.That(writer.Dropped, Is.Zero);
            Assert.That(client.Counters.ExecutionsDropped, Is.Zero);
        });
    }

    /// <summary>Reads the record a stopped sidecar left in its file.</summary>
    private static async Task<ExecutionRecord> WaitForAsync(SidecarProcess stopped, string requestId)
    {
        using var store = new Tap.Sidecar.Store.RecordStore(stopped.DatabasePath, readOnly: true);
        await Task.CompletedTask;
        return store.Query(new RecordQuery { RequestId = requestId }).Single();
    }
}
