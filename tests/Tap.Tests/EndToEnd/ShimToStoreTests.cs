using System.IO.Pipes;
using System.Text;
using Tap.Shim;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>A TapClient in this process, a real pipe, the real sidecar host, a real LiteDB file, then the CLI.</summary>
public class ShimToStoreTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");
    private static readonly int DoneAt = Transcript.AsSpan().IndexOf("data: [DONE]"u8);

    [Test]
    public async Task Executions_reported_over_a_real_pipe_are_recorded_and_explained_by_list_and_show()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        var db = sidecar.DatabasePath;
        Guid abortAfterUsage, abortMidStream, whole, reset;
        await using (var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName, GatewayName = "e2e-gateway" }))
        {
            abortAfterUsage = Report(client, "r-1", DoneAt, e => e.ClientAborted());
            abortMidStream = Report(client, "r-2", Transcript.Length / 3, e => e.ClientAborted());
            whole = Report(client, "r-3", Transcript.Length, e => e.UpstreamEnd());
            reset = Report(client, "r-4", Transcript.Length / 2, e => e.UpstreamError(TapUpstreamErrorKind.ConnectionReset, "Connection reset by peer"));

            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 4, "the sidecar acknowledges all four executions");
        }

        await sidecar.StopAsync();

        var list = await CliRunner.RunJsonAsync("list", "--json", "--db", db);
        var byId = list.EnumerateArray().ToDictionary(r => Guid.Parse(r.GetProperty("id").GetString()!), r => r);
        Assert.Multiple(() =>
        {
            Assert.That(byId, Has.Count.EqualTo(4));
            Assert.That(Outcome(byId[abortAfterUsage]), Is.EqualTo(("completed", "aggregated_usage")));
            Assert.That(Outcome(byId[abortMidStream]), Is.EqualTo(("canceled", "none")));
            Assert.That(Outcome(byId[whole]), Is.EqualTo(("completed", "terminal_event")));
            Assert.That(Outcome(byId[reset]), Is.EqualTo(("failed", "none")));
            Assert.That(byId[whole].GetProperty("client").GetProperty("gateway").GetString(), Is.EqualTo("e2e-gateway"));
            Assert.That(byId[whole].GetProperty("usage").GetProperty("output").GetInt64(), Is.EqualTo(17));
        });

        var (exitCode, show, error) = await CliRunner.RunAsync("show", abortAfterUsage.ToString(), "--db", db);
        Assert.That(exitCode, Is.Zero, error);
        Assert.That(show, Does.Contain("COMPLETED (final_usage_seen)").And.Contain("proof aggregated_usage").And.Contain("client aborted").And.Contain("final usage").And.Contain("Bonjour"));
    }

    [Test]
    public async Task Proxy_that_disconnects_mid_stream_and_never_comes_back_leaves_an_abandoned_record_after_the_grace_period()
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Ingest:ResumeGracePeriod"] = "00:00:00.300" });
        Guid id;
        await using (var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName }))
        {
            var execution = client.StartExecution(new TapExecutionInfo { RequestId = "lost", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
            id = execution.Id;
            execution.Response(200, "text/event-stream");
            execution.Chunk(Transcript.AsSpan(0, Transcript.Length / 2));
            Assert.That(await client.FlushAsync(TimeSpan.FromSeconds(10)), Is.True);
        }

        await Eventually.TrueAsync(() => CountRecords(sidecar) == 1, "the lost execution is recorded");
        await sidecar.StopAsync();

        var record = (await CliRunner.RunJsonAsync("show", id.ToString(), "--json", "--db", sidecar.DatabasePath));
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("abandoned"));
        Assert.That(record.GetProperty("reason").GetString(), Is.EqualTo("proxy_connection_lost"));
    }

    [Test]
    public async Task Sidecar_stopping_with_an_execution_in_flight_records_it_abandoned()
    {
        var sidecar = await SidecarProcess.StartAsync();
        await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName });
        var execution = client.StartExecution(new TapExecutionInfo { Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
        execution.Response(200, "text/event-stream");
        execution.Chunk(Transcript.AsSpan(0, 300));
        Assert.That(await client.FlushAsync(TimeSpan.FromSeconds(10)), Is.True);
        await Eventually.TrueAsync(() => client.IsConnected, "connected");

        await sidecar.StopAsync();

        var record = await CliRunner.RunJsonAsync("show", execution.Id.ToString(), "--json", "--db", sidecar.DatabasePath);
        Assert.That((record.GetProperty("status").GetString(), record.GetProperty("reason").GetString()), Is.EqualTo(("abandoned", "sidecar_shutdown")));
    }

    [Test]
    public async Task Malformed_frame_closes_only_the_offending_connection()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName });
        await Eventually.TrueAsync(() => client.IsConnected, "the good client connects");

        await using (var hostile = new NamedPipeClientStream(".", sidecar.PipeName, PipeDirection.InOut, PipeOptions.Asynchronous))
        {
            await hostile.ConnectAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            await hostile.WriteAsync(new byte[] { 0, 0, 0, 3, 0xc1, 0xc1, 0xc1 });
            var reply = new byte[256];
            var read = await hostile.ReadAtLeastAsync(reply, 4, throwOnEndOfStream: false).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.That(Encoding.UTF8.GetString(reply, 0, read), Does.Contain("handshake_required").Or.Contain("malformed_frame"));
        }

        var id = Report(client, "after-hostile", Transcript.Length, e => e.UpstreamEnd());
        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 1, "the good client's execution is recorded");
        Assert.That(client.Counters.Connects, Is.EqualTo(1));
        await sidecar.StopAsync();
        var record = await CliRunner.RunJsonAsync("show", id.ToString(), "--json", "--db", sidecar.DatabasePath);
        Assert.That(record.GetProperty("status").GetString(), Is.EqualTo("completed"));
    }

    private static Guid Report(TapClient client, string requestId, int upTo, Action<TapExecution> then)
    {
        using var execution = client.StartExecution(new TapExecutionInfo
        {
            RequestId = requestId,
            Format = TapApiFormat.OpenAIChatCompletions,
            Route = "chat",
            Provider = "openai",
            RequestedModel = "gpt-4o",
            Stream = true,
        });
        execution.Response(200, "text/event-stream");
        for (var offset = 0; offset < upTo; offset += 97)
        {
            execution.Chunk(Transcript.AsSpan(offset, Math.Min(97, upTo - offset)));
        }

        then(execution);
        return execution.Id;
    }

    private static (string?, string?) Outcome(System.Text.Json.JsonElement record) =>
        (record.GetProperty("status").GetString(), record.GetProperty("proof").GetString());

    private static long CountRecords(SidecarProcess sidecar) =>
        ((Tap.Sidecar.Store.RecordStore)sidecar.Services.GetService(typeof(Tap.Sidecar.Store.RecordStore))!).Count();
}
