using System.Text.Json;
using Tap.Shim;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Replay;

/// <summary><c>tap replay ID</c>: executions recorded with their raw chunks are re-decided exactly as the sidecar decided them.</summary>
public sealed class RecordReplayTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");
    private static readonly int DoneAt = Transcript.AsSpan().IndexOf("data: [DONE]"u8);

    [Test]
    public async Task Recorded_executions_replay_to_the_same_decision_from_the_sidecar_and_from_a_compacted_file()
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Store:StoreRawChunks"] = "true" });
        var ids = await ReportAsync(sidecar.PipeName);

        foreach (var id in ids)
        {
            var served = await CliRunner.RunAsync("replay", id.ToString("N")[^8..], "--json", "--endpoint", sidecar.PipeName, "--db", sidecar.DatabasePath);
            Assert.That(served.ExitCode, Is.EqualTo(ExitCodes.Ok), served.Error);
            using var json = JsonDocument.Parse(served.Output);
            Assert.That(json.RootElement.GetProperty("differences").GetArrayLength(), Is.Zero, served.Output);
        }

        var listed = await CliRunner.RunJsonAsync("list", "--json", "--endpoint", sidecar.PipeName, "--db", sidecar.DatabasePath);
        Assert.That(listed.EnumerateArray().Select(r => r.GetProperty("raw_chunks").ValueKind), Is.All.EqualTo(JsonValueKind.Null), "lists leave the raw chunks out");
        var compacted = Path.Combine(Path.GetDirectoryName(sidecar.DatabasePath)!, "compact.db");
        Assert.That((await CliRunner.RunAsync("compact", "--output", compacted, "--endpoint", sidecar.PipeName)).ExitCode, Is.EqualTo(ExitCodes.Ok));

        await sidecar.StopAsync();
        var fromFile = await CliRunner.RunAsync("replay", ids[0].ToString(), "--endpoint", TestEndpoints.UniquePipeName(), "--db", compacted);
        Assert.That(fromFile.ExitCode, Is.EqualTo(ExitCodes.Ok), fromFile.Error);
        Assert.That(fromFile.Output, Does.Contain("COMPLETED (final_usage_seen)").And.Contain("The current rules decide exactly as recorded."));
    }

    [Test]
    public void A_changed_rule_shows_as_a_difference()
    {
        var recorded = TranscriptReplayer.Replay(Transcript, new ReplayOptions { Format = "openai-chat" });
        recorded.RawChunks = [new RawChunkEntry { OffsetMicros = 2000, Data = Transcript }];
        var now = RecordReplayer.Rerun(recorded)!;
        recorded.Status = "failed";

        var differences = RecordDifference.Between(recorded, now);

        Assert.That(differences, Has.One.EqualTo(new RecordDifference("status", "failed", "completed")));
    }

    [Test]
    public void A_record_holding_a_signal_this_version_does_not_know_is_not_re_decided()
    {
        var recorded = TranscriptReplayer.Replay(Transcript, new ReplayOptions { Format = "openai-chat" });
        recorded.RawChunks = [new RawChunkEntry { OffsetMicros = 2000, Data = Transcript }];
        recorded.Signals.Insert(1, new SignalEntry { Kind = "from_a_newer_tap", At = recorded.Signals[0].At });

        Assert.That(RecordReplayer.Rerun(recorded), Is.Null);
    }

    [TestCase(false, "turn on Tap:Store:StoreRawChunks")]
    [TestCase(true, "were cut at Tap:Store:MaxRawChunkBytes")]
    public async Task Without_a_complete_capture_replay_exits_1_and_says_why(bool capture, string why)
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?>
        {
            ["Tap:Store:StoreRawChunks"] = capture ? "true" : "false",
            ["Tap:Store:MaxRawChunkBytes"] = "1024",
        });
        var ids = await ReportAsync(sidecar.PipeName);

        var (exitCode, _, error) = await CliRunner.RunAsync("replay", ids[0].ToString(), "--endpoint", sidecar.PipeName);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.NotFound));
        Assert.That(error, Does.Contain(why));
    }

    private static async Task<List<Guid>> ReportAsync(string pipeName)
    {
        var ids = new List<Guid>();
        await using (var client = new TapClient(new TapClientOptions { Endpoint = pipeName, GatewayName = "replay-test" }))
        {
            ids.Add(Report(client, DoneAt, e => e.ClientAborted()));
            ids.Add(Report(client, Transcript.Length / 3, e => e.ClientAborted()));
            ids.Add(Report(client, Transcript.Length, e => e.UpstreamEnd()));
            ids.Add(Report(client, Transcript.Length / 2, e => e.UpstreamError(TapUpstreamErrorKind.ConnectionReset, "Connection reset by peer")));
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == ids.Count, "every execution is recorded");
        }

        return ids;
    }

    private static Guid Report(TapClient client, int bytes, Action<TapExecution> finish)
    {
        using var execution = client.StartExecution(new TapExecutionInfo { RequestId = "replay", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
        execution.Response(200, "text/event-stream");
        foreach (var piece in Transcript.AsMemory(0, bytes).ToArray().Chunk(64))
        {
            execution.Chunk(piece);
        }

        finish(execution);
        return execution.Id;
    }
}
