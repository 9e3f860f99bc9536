using System.Text.Json;
using Tap.Protocol;
using Tap.Sidecar.Cli;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Replay;

/// <summary>
/// <c>tap replay ID</c> re-decides every kind of execution the live sidecar records (drained, drain skipped, dropped
/// by the shim, orphaned, shut down, and the ordinary ones) exactly as the sidecar decided it: both read the reported
/// signals through the same dispatcher.
/// </summary>
public sealed class ReplayEveryKindTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");
    private static readonly int Third = Transcript.Length / 3;

    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Tap:Store:StoreRawChunks"] = "true",
        ["Tap:Ingest:ResumeGracePeriod"] = "00:00:00.200",
    };

    [Test]
    public async Task Every_recorded_kind_of_execution_replays_by_id_to_the_live_decision()
    {
        var sidecar = await SidecarProcess.StartAsync(settings: Settings);
        await using var disposeSidecar = sidecar;
        var expected = new Dictionary<string, (Guid Id, string Status, string Reason, int Rule)>();

        await using (var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            var ended = new[]
            {
                Expect(expected, "completed", "completed", "terminal_event", 2, w => w.Chunks(0, Transcript.Length).Signal(SignalKind.UpstreamEnd).End()),
                Expect(expected, "canceled", "canceled", "client_aborted", 5, w => w.Chunks(0, Third).Signal(SignalKind.ClientAborted).End()),
                Expect(expected, "failed", "failed", "upstream_error", 3, w => w.Chunks(0, Third).Signal(SignalKind.UpstreamError, "connection_reset", "Connection reset by peer").End()),
                Expect(expected, "drained", "canceled", "client_aborted", 5, w => w.Chunks(0, Third).Signal(SignalKind.ClientAborted).Signal(SignalKind.DrainStarted)
                    .Chunks(Third, Transcript.Length).Signal(SignalKind.UpstreamEnd).End()),
                Expect(expected, "drain-skipped", "canceled", "client_aborted", 5, w => w.Chunks(0, Third).Signal(SignalKind.ClientAborted)
                    .Signal(SignalKind.DrainSkipped, message: "2 drains already running").End()),
                Expect(expected, "shim-dropped", "abandoned", "shim_dropped", 7, w => w.Chunks(0, Third).End(EndMessage.DroppedWhole)),
            };
            await shim.SendAsync(ended.SelectMany(w => w.Frames));
            await shim.WaitForAcksAsync(ended.Select(w => w.Id));
        }

        await using (var lost = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            await lost.SendAsync(Expect(expected, "connection-lost", "abandoned", "proxy_connection_lost", 7, w => w.Chunks(0, Third)).Frames);
        }

        await sidecar.WaitForRecordAsync("connection-lost");
        await using (var stopping = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            // Frames on one connection are applied in order: the later execution's ack means the first is in flight.
            var inFlight = Expect(expected, "shutdown", "abandoned", "sidecar_shutdown", 7, w => w.Chunks(0, Third));
            var marker = new Wire(Guid.NewGuid(), "marker").Chunks(0, Third).Signal(SignalKind.ClientAborted).End();
            await stopping.SendAsync([.. inFlight.Frames, .. marker.Frames]);
            await stopping.WaitForAcksAsync([marker.Id]);
            await sidecar.StopAsync();
        }

        var replays = new List<(string RequestId, string Status, string Reason, int Rule, JsonElement Json)>();
        foreach (var (requestId, (id, status, reason, rule)) in expected)
        {
            var (exitCode, output, error) = await CliRunner.RunAsync("replay", id.ToString(), "--json", "--db", sidecar.DatabasePath);
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), $"{requestId}: {error}");
            replays.Add((requestId, status, reason, rule, JsonDocument.Parse(output).RootElement.Clone()));
        }

        Assert.Multiple(() =>
        {
            foreach (var (requestId, status, reason, rule, json) in replays)
            {
                var now = json.GetProperty("record");
                Assert.That(json.GetProperty("differences").EnumerateArray().Select(d => d.ToString()), Is.Empty, requestId);
                Assert.That(
                    (now.GetProperty("status").GetString(), now.GetProperty("reason").GetString(), now.GetProperty("rule").GetInt32()),
                    Is.EqualTo((status, reason, rule)),
                    $"{requestId}: {now.GetProperty("explanation").GetString()}");
            }
        });
    }

    private static Wire Expect(Dictionary<string, (Guid, string, string, int)> expected, string requestId, string status, string reason, int rule, Func<Wire, Wire> script)
    {
        var wire = script(new Wire(Guid.NewGuid(), requestId));
        expected.Add(requestId, (wire.Id, status, reason, rule));
        return wire;
    }

    /// <summary>The frames of one execution, a millisecond apart: Start and the response head, then what the script adds.</summary>
    private sealed class Wire
    {
        private readonly byte[] _id;
        private readonly DateTimeOffset _startedAt = DateTimeOffset.UtcNow;
        private uint _sequence;

        public Wire(Guid id, string requestId)
        {
            Id = id;
            _id = ExecutionIds.ToBytes(id);
            Add(new StartMessage { RequestId = requestId, Attempt = 1, ApiFormat = "openai-chat", Stream = true });
            Add(new ResponseMessage { StatusCode = 200, ContentType = "text/event-stream" });
        }

        public Guid Id { get; }

        public List<ProtocolMessage> Frames { get; } = [];

        public Wire Chunks(int from, int to)
        {
            foreach (var piece in Transcript[from..to].Chunk(64))
            {
                Add(new ChunkMessage { Data = piece });
            }

            return this;
        }

        public Wire Signal(SignalKind kind, string? errorKind = null, string? message = null) =>
            Add(new SignalMessage { Kind = kind, ErrorKind = errorKind, Message = message });

        public Wire End(int droppedFrames = 0) => Add(new EndMessage { DroppedFrames = droppedFrames });

        private Wire Add(ExecutionMessage message)
        {
            message.ExecutionId = _id;
            message.Sequence = _sequence;
            message.Timestamp = Timestamps.ToWire(_startedAt.AddMilliseconds(_sequence++));
            Frames.Add(message);
            return this;
        }
    }
}
