using System.Diagnostics;
using Tap.Protocol;
using Tap.Shim;
using Tap.Tests.Support;

namespace Tap.Tests.Shim;

public class TapClientTests
{
    [Test]
    public async Task Frames_of_an_execution_arrive_in_order_with_consecutive_sequence_numbers()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, GatewayName = "edge" });

        var execution = client.StartExecution(new TapExecutionInfo { RequestId = "req-1", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
        execution.Response(200, "text/event-stream");
        execution.Chunk("data: a\n\n"u8);
        execution.Chunk("data: b\n\n"u8);
        execution.UpstreamEnd();
        execution.End();
        execution.End();
        execution.Chunk("ignored after End"u8);

        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "End arrives");
        var frames = sidecar.OfType<ExecutionMessage>().ToList();
        Assert.Multiple(() =>
        {
            Assert.That(sidecar.Received.First(), Is.TypeOf<HelloMessage>().With.Property("GatewayName").EqualTo("edge"));
            Assert.That(frames.Select(f => f.Type), Is.EqualTo(new[] { MessageType.Start, MessageType.Response, MessageType.Chunk, MessageType.Chunk, MessageType.Signal, MessageType.End }));
            Assert.That(frames.Select(f => f.Sequence), Is.EqualTo(new uint[] { 0, 1, 2, 3, 4, 5 }));
            Assert.That(frames.Select(f => ExecutionIds.FromBytes(f.ExecutionId)).Distinct(), Is.EqualTo(new[] { execution.Id }));
            Assert.That(frames.OfType<StartMessage>().Single().ApiFormat, Is.EqualTo("openai-chat"));
        });
    }

    [Test]
    public async Task Chunk_larger_than_a_frame_is_split_and_keeps_every_byte()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MaxFrameBytes = 4096 });
        await Eventually.TrueAsync(() => client.IsConnected, "the client connects");
        var data = new byte[10_000];
        Random.Shared.NextBytes(data);

        var execution = client.StartExecution(new TapExecutionInfo());
        execution.Chunk(data);
        execution.End();

        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "End arrives");
        var chunks = sidecar.OfType<ChunkMessage>().ToList();
        Assert.That(chunks, Has.Count.EqualTo(3));
        Assert.That(chunks.SelectMany(c => c.Data).ToArray(), Is.EqualTo(data));
    }

    [Test]
    public async Task Without_a_sidecar_reporting_never_blocks_and_memory_stays_within_the_cap()
    {
        const long cap = 256 * 1024;
        await using var client = new TapClient(new TapClientOptions { Endpoint = TestEndpoints.UniquePipeName(), MaxBufferedBytes = cap, MaxFrameBytes = 64 * 1024, Spool = { Mode = TapSpoolMode.Off } });
        var chunk = new byte[1024];

        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < 2_000; i++)
        {
            using var execution = client.StartExecution(new TapExecutionInfo { Stream = true });
            execution.Response(200, "text/event-stream");
            for (var c = 0; c < 10; c++)
            {
                execution.Chunk(chunk);
            }

            execution.UpstreamEnd();
        }

        stopwatch.Stop();
        var counters = client.Counters;
        Assert.Multiple(() =>
        {
            Assert.That(counters.BufferedBytes, Is.LessThanOrEqualTo(cap + (4 * 64 * 1024)), "the hard cap holds at every moment");
            Assert.That(counters.ExecutionsStarted, Is.EqualTo(2_000));
            Assert.That(counters.ExecutionsDropped, Is.GreaterThan(0));
            Assert.That(counters.FramesDropped, Is.GreaterThan(0));
            Assert.That(counters.IsConnected, Is.False);
            Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)), "2,000 executions must not wait on a missing sidecar");
        });
        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= cap, "the writer evicts whole executions down to the cap");
    }

    [Test]
    public async Task Client_connects_by_itself_when_the_sidecar_starts_later_and_sends_what_it_buffered()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MaxReconnectDelay = TimeSpan.FromMilliseconds(200) });
        var execution = client.StartExecution(new TapExecutionInfo { RequestId = "early" });
        execution.Chunk("buffered while away"u8);
        execution.End();
        await Eventually.TrueAsync(() => client.Counters.ConnectFailures > 0, "the client has tried and failed to connect");

        await using var sidecar = new RawSidecar(pipe);

        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "the buffered execution arrives");
        Assert.Multiple(() =>
        {
            Assert.That(sidecar.OfType<StartMessage>().Single().RequestId, Is.EqualTo("early"));
            Assert.That(client.Counters.Connects, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Execution_in_flight_when_the_connection_drops_is_replayed_from_its_start_and_goes_on()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MinReconnectDelay = TimeSpan.FromMilliseconds(20) });
        var execution = client.StartExecution(new TapExecutionInfo { RequestId = "before" });
        execution.Chunk("first"u8);
        await Eventually.TrueAsync(() => sidecar.OfType<ChunkMessage>().Any(), "the first chunk arrives");

        sidecar.DropConnection();
        await Eventually.TrueAsync(() => sidecar.Connections == 2 && client.IsConnected, "the client reconnects");
        execution.Chunk("second"u8);
        execution.End();

        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "the execution ends on the new connection");
        var frames = sidecar.OfType<ExecutionMessage>().Where(m => ExecutionIds.FromBytes(m.ExecutionId) == execution.Id).ToList();
        var afterReconnect = frames.SkipWhile((_, i) => i == 0 || frames[i].Type != MessageType.Start).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(afterReconnect.Select(f => f.Sequence), Is.EqualTo(new uint[] { 0, 1, 2, 3 }), "replayed from Start, then the rest");
            Assert.That(client.Counters.FramesReplayed, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Acknowledged_executions_are_released_and_unacknowledged_ones_are_kept_for_replay()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe });
        using (var execution = client.StartExecution(new TapExecutionInfo()))
        {
            execution.Chunk(new byte[10_000]);
        }

        Assert.That(await client.FlushAsync(TimeSpan.FromSeconds(10)), Is.True);
        Assert.That(client.Counters.BufferedBytes, Is.GreaterThan(10_000), "kept until the sidecar says it is recorded");

        // Written is not yet read: the fake sidecar acknowledges only the executions whose End it has read.
        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "the sidecar has read the execution's End");
        await sidecar.AcknowledgeAllAsync();

        await Eventually.TrueAsync(() => client.Counters.BufferedBytes == 0, "the frames are released");
        Assert.That(client.Counters.ExecutionsAcknowledged, Is.EqualTo(1));
    }

    [Test]
    public async Task Refused_handshake_is_retried_and_never_surfaces_to_the_caller()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe, acceptHandshake: false);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MaxReconnectDelay = TimeSpan.FromMilliseconds(100) });

        using (var execution = client.StartExecution(new TapExecutionInfo()))
        {
            execution.Chunk("x"u8);
        }

        await Eventually.TrueAsync(() => client.Counters.ConnectFailures >= 2, "the refusal is counted and retried");
        Assert.That(client.IsConnected, Is.False);
    }

    [Test]
    public async Task Dispose_is_bounded_and_idempotent_when_the_sidecar_is_away()
    {
        var client = new TapClient(new TapClientOptions { Endpoint = TestEndpoints.UniquePipeName(), ShutdownTimeout = TimeSpan.FromMilliseconds(200) });
        client.StartExecution(new TapExecutionInfo()).End();

        var stopwatch = Stopwatch.StartNew();
        await client.DisposeAsync();
        await client.DisposeAsync();
        client.Dispose();

        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)));
        Assert.That(() => client.StartExecution(new TapExecutionInfo()).Chunk("after dispose"u8), Throws.Nothing);
    }

    [Test]
    public void Options_out_of_range_are_refused_at_configuration_time()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => new TapClient(new TapClientOptions { Endpoint = " " }), Throws.ArgumentException);
            Assert.That(() => new TapClient(new TapClientOptions { MaxFrameBytes = 10 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => new TapClient(new TapClientOptions { MaxBufferedBytes = 1000 }), Throws.InstanceOf<ArgumentOutOfRangeException>());
        });
    }
}
