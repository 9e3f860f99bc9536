using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;

using static Tap.Tests.Outcome.DecisionTable;

namespace Tap.Tests.Outcome;

/// <summary>One test per row of docs/outcomes.md, through the same code tap serve and tap replay run.</summary>
public class DecisionTableTests
{
    private const string Chat = "openai-chat";

    [Test]
    public void Rule1_http_429_with_a_json_error_records_failed_with_the_providers_message()
    {
        var record = ReplayFixture("openai-chat/error-429.json", new ReplayOptions { Format = Chat, Status = 429, ContentType = "application/json" });

        AssertOutcome(record, "failed", "upstream_http_error", "none", 1);
        Assert.That(record.ErrorMessage, Does.Contain("Rate limit"));
    }

    [Test]
    public void Rule2_a_whole_stream_records_completed_by_its_terminal_event()
    {
        var record = ReplayFixture("openai-chat/text.sse", new ReplayOptions { Format = Chat });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That(record.Usage!.Input, Is.EqualTo(24));
            Assert.That(record.Usage.Output, Is.EqualTo(17));
            Assert.That(record.FinishReason, Is.EqualTo("stop"));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(record.TimeToFirstByteMs!.Value));
        });
    }

    [Test]
    public void Rule2_client_abort_after_DONE_records_completed_with_the_abort_as_a_note()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, ClientAbortAt = transcript.Length });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Notes, Has.Some.Contains("client_aborted").And.Contains("after the terminal event"));
    }

    [Test]
    public void Rule2_finish_reason_length_records_incomplete()
    {
        var record = ReplayFixture("openai-chat/length.sse", new ReplayOptions { Format = Chat });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
    }

    [Test]
    public void Rule2_non_streamed_body_records_completed_with_its_usage()
    {
        var record = ReplayFixture("openai-chat/body.json", new ReplayOptions { Format = Chat });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Usage?.Total, Is.GreaterThan(0));
    }

    [Test]
    public void Rule3_upstream_reset_mid_stream_records_failed()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, UpstreamErrorAt = transcript.Length / 2 });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
        Assert.That(record.Explanation, Does.Contain("connection_reset"));
    }

    [Test]
    public void Rule3_error_object_in_the_stream_records_failed_provider_error()
    {
        var record = ReplayFixture("openai-chat/error-mid-stream.sse", new ReplayOptions { Format = Chat });

        AssertOutcome(record, "failed", "provider_error", "none", 3);
        Assert.That(record.ErrorMessage, Is.Not.Empty);
    }

    [Test]
    public void Rule3_garbage_instead_of_a_stream_records_failed_malformed_stream()
    {
        var record = TranscriptReplayer.Replay("data: {\"id\":\"x\",\"choices\":[{\"index\":0,\n\ndata: [DONE]\n\n"u8, new ReplayOptions { Format = Chat });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
    }

    [Test]
    public void Rule4_client_abort_after_the_usage_chunk_before_DONE_records_completed_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, ClientAbortAt = IndexOf(transcript, "data: [DONE]") });

        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage", 4);
        Assert.That(record.Explanation, Does.Contain("client aborted"));
    }

    [Test]
    public void Rule4_clean_eof_after_the_usage_chunk_without_DONE_records_completed_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, EofAt = IndexOf(transcript, "data: [DONE]") });

        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage", 4);
    }

    [Test]
    public void Rule5_client_abort_mid_stream_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, ClientAbortAt = transcript.Length / 3 });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
    }

    [Test]
    public void Rule5_client_abort_after_the_finish_reason_but_before_usage_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, ClientAbortAt = IndexOf(transcript, "data: {", IndexOf(transcript, "\"finish_reason\":\"stop\"")) });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
    }

    [Test]
    public void Rule6_clean_eof_without_DONE_and_without_usage_records_failed_stream_interrupted()
    {
        var transcript = FixtureFiles.Read("openai-chat/no-usage.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Chat, EofAt = IndexOf(transcript, "data: [DONE]") });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }

    [Test]
    public void Rule7_proxy_connection_lost_mid_stream_records_abandoned()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript.AsSpan(0, transcript.Length / 2));

        state.OnFinalized(Finalization.ConnectionLost, DateTimeOffset.UtcNow);
        var decision = OutcomeEngine.Decide(state, Finalization.ConnectionLost);

        Assert.That((decision.Status, decision.Reason, decision.Proof, decision.Rule), Is.EqualTo(("abandoned", "proxy_connection_lost", "none", 7)));
    }

    [Test]
    public void Rule7_sidecar_shutdown_after_the_usage_chunk_records_completed_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript.AsSpan(0, IndexOf(transcript, "data: [DONE]")));

        var decision = OutcomeEngine.Decide(state, Finalization.Shutdown);

        Assert.That((decision.Status, decision.Proof, decision.Rule), Is.EqualTo(("completed", "aggregated_usage", 4)));
    }

    [Test]
    public void Rule8_end_without_any_upstream_response_records_failed()
    {
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), DateTimeOffset.UtcNow, Chat, Stream: true));
        state.OnEnd(0, DateTimeOffset.UtcNow);

        var decision = OutcomeEngine.Decide(state, Finalization.Ended);

        Assert.That((decision.Status, decision.Reason, decision.Rule), Is.EqualTo(("failed", "no_upstream_response", 8)));
    }

    [Test]
    public void Rule8_end_while_the_upstream_was_still_sending_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript.AsSpan(0, 200));
        state.OnEnd(0, DateTimeOffset.UtcNow);

        var decision = OutcomeEngine.Decide(state, Finalization.Ended);

        Assert.That((decision.Status, decision.Reason, decision.Rule), Is.EqualTo(("canceled", "ended_before_upstream_end", 8)));
    }

    [Test]
    public void Bytes_reported_after_a_client_abort_still_prove_completion()
    {
        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        var state = Streamed(transcript.AsSpan(0, 100));
        state.OnClientAborted(DateTimeOffset.UtcNow);
        state.OnChunk(transcript.AsSpan(100), DateTimeOffset.UtcNow);
        state.OnEnd(0, DateTimeOffset.UtcNow);

        var decision = OutcomeEngine.Decide(state, Finalization.Ended);

        Assert.That((decision.Status, decision.Proof), Is.EqualTo(("completed", "terminal_event")));
    }

    private static ExecutionState Streamed(ReadOnlySpan<byte> bytes)
    {
        var start = DateTimeOffset.UtcNow;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), start, Chat, Stream: true));
        state.OnResponse(200, "text/event-stream", start);
        state.OnChunk(bytes, start.AddMilliseconds(5));
        return state;
    }
}
