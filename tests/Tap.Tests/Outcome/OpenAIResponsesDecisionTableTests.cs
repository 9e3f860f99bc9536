using System.Text;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;

using static Tap.Tests.Outcome.DecisionTable;

namespace Tap.Tests.Outcome;

/// <summary>
/// The rows of docs/outcomes.md for OpenAI Responses streams and bodies, through the same code tap serve and tap replay
/// run. Rule 4 never matches: the only final usage arrives inside the terminal event, which rule 2 already takes.
/// </summary>
public class OpenAIResponsesDecisionTableTests
{
    private const string Format = "openai-responses";
    private const string Completed = "event: response.completed";

    [Test]
    public void Rule1_http_429_with_a_json_error_records_failed_with_the_providers_message()
    {
        var record = ReplayFixture("openai-responses/error-429.json", new ReplayOptions { Format = Format, Status = 429, ContentType = "application/json" });

        AssertOutcome(record, "failed", "upstream_http_error", "none", 1);
        Assert.That(record.ErrorMessage, Does.StartWith("Rate limit reached"));
    }

    [Test]
    public void Rule2_a_whole_stream_records_completed_by_response_completed()
    {
        var record = ReplayFixture("openai-responses/text.sse", new ReplayOptions { Format = Format });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That(record.Explanation, Does.Contain("response.completed").And.Contain("(finish reason completed)"));
            Assert.That((record.Usage!.Input, record.Usage.Output, record.Usage.Total), Is.EqualTo((24L, 17L, 41L)));
            Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo(("completed", "stop")));
            Assert.That(record.ResponseModel, Is.EqualTo("gpt-4.1-2025-04-14"));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(record.TimeToFirstByteMs!.Value));
            Assert.That(record.Response, Does.Contain("\"object\":\"response\"").And.Contain("À bientôt."));
        });
    }

    [Test]
    public void Rule2_client_abort_after_response_completed_records_completed_with_the_abort_as_a_note()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, ClientAbortAt = transcript.Length });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Notes, Has.Some.Contains("client_aborted").And.Contains("after the terminal event"));
    }

    [Test]
    public void Rule2_error_event_after_response_completed_changes_nothing()
    {
        byte[] transcript = [.. FixtureFiles.Read("openai-responses/text.sse"), .. "event: error\ndata: {\"type\":\"error\",\"sequence_number\":14,\"code\":\"server_error\",\"message\":\"late\",\"param\":null}\n\ndata: {not json\n\n"u8];

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.Null);
    }

    [Test]
    public void Rule2_function_calls_record_completed_normalized_to_tool_calls()
    {
        var record = ReplayFixture("openai-responses/tool-calls.sse", new ReplayOptions { Format = Format });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.NormalizedFinishReason, Is.EqualTo("tool_calls"));
    }

    [Test]
    public void Rule2_response_incomplete_for_max_output_tokens_records_incomplete()
    {
        var record = ReplayFixture("openai-responses/max-output-tokens.sse", new ReplayOptions { Format = Format });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
        Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo(("incomplete:max_output_tokens", "length")));
        Assert.That(record.Usage?.Output, Is.EqualTo(16));
    }

    [Test]
    public void Rule2_response_completed_whose_status_is_incomplete_records_incomplete()
    {
        // text.sse with its response.completed snapshot saying the answer was cut short by a content filter.
        var transcript = Encoding.UTF8.GetString(FixtureFiles.Read("openai-responses/text.sse"));
        var terminal = transcript.IndexOf(Completed, StringComparison.Ordinal);
        var edited = transcript[..terminal] + transcript[terminal..]
            .Replace("\"created_at\":1764061200,\"status\":\"completed\"", "\"created_at\":1764061200,\"status\":\"incomplete\"", StringComparison.Ordinal)
            .Replace("\"incomplete_details\":null", "\"incomplete_details\":{\"reason\":\"content_filter\"}", StringComparison.Ordinal);

        var record = TranscriptReplayer.Replay(Encoding.UTF8.GetBytes(edited), new ReplayOptions { Format = Format });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
        Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo(("incomplete:content_filter", "content_filter")));
    }

    [Test]
    public void Rule2_response_failed_records_failed_with_the_responses_error_message()
    {
        var record = ReplayFixture("openai-responses/failed.sse", new ReplayOptions { Format = Format });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Does.StartWith("An error occurred while processing your request."));
        Assert.That(record.NormalizedFinishReason, Is.EqualTo("error"));
    }

    [Test]
    public void Rule2_error_event_records_failed_with_its_message()
    {
        var record = ReplayFixture("openai-responses/error-event.sse", new ReplayOptions { Format = Format });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo("The server had an error while processing your request. Sorry about that!"));
        Assert.That(record.Explanation, Does.Contain("terminal event error"));
    }

    [Test]
    public void Rule2_cancelled_status_records_canceled_by_the_provider()
    {
        var record = TranscriptReplayer.Replay(
            "event: response.failed\ndata: {\"type\":\"response.failed\",\"sequence_number\":0,\"response\":{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"cancelled\",\"output\":[]}}\n\n"u8,
            new ReplayOptions { Format = Format });

        AssertOutcome(record, "canceled", "provider_canceled", "terminal_event", 2);
        Assert.That(record.FinishReason, Is.EqualTo("cancelled"));
    }

    [Test]
    public void Rule2_non_streamed_response_records_completed_with_its_usage()
    {
        var record = ReplayFixture("openai-responses/body.json", new ReplayOptions { Format = Format });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Usage?.Total, Is.EqualTo(29));
    }

    [Test]
    public void Rule3_upstream_reset_mid_stream_records_failed()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, UpstreamErrorAt = transcript.Length / 2 });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
    }

    [Test]
    public void Rule3_bare_error_object_in_the_stream_records_failed_provider_error()
    {
        var record = TranscriptReplayer.Replay("data: {\"error\":{\"message\":\"Upstream went away\",\"type\":\"server_error\"}}\n\n"u8, new ReplayOptions { Format = Format });

        AssertOutcome(record, "failed", "provider_error", "none", 3);
        Assert.That(record.ErrorMessage, Is.EqualTo("Upstream went away"));
    }

    [Test]
    public void Rule3_garbage_in_the_stream_records_failed_malformed_stream()
    {
        var record = TranscriptReplayer.Replay("event: response.created\ndata: {\"type\":\"response.created\",\n\n"u8, new ReplayOptions { Format = Format });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
    }

    [Test]
    public void Rule4_does_not_apply_client_abort_after_every_item_is_done_but_before_response_completed_records_canceled()
    {
        const string Fixture = "openai-responses/created-in-progress-usage.sse";
        var transcript = FixtureFiles.Read(Fixture);

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, ClientAbortAt = IndexOf(transcript, Completed) });

        // Every output item had its output_item.done and the in_progress snapshot carried usage, but that usage is
        // provisional: nothing final proves what was billed.
        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That(record.Usage?.Source, Is.Not.EqualTo("final"));
    }

    [Test]
    public void Rule4_does_not_apply_clean_eof_before_response_completed_records_failed_stream_interrupted()
    {
        const string Fixture = "openai-responses/created-in-progress-usage.sse";
        var transcript = FixtureFiles.Read(Fixture);

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, EofAt = IndexOf(transcript, Completed) });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }

    [Test]
    public void Rule5_client_abort_mid_stream_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, ClientAbortAt = transcript.Length / 3 });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
    }

    [Test]
    public void Rule6_clean_eof_mid_stream_records_failed_stream_interrupted()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Format, EofAt = IndexOf(transcript, "event: response.output_text.done") });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }

    [Test]
    public void Rule7_sidecar_shutdown_before_response_completed_records_abandoned_even_with_every_item_done()
    {
        var transcript = FixtureFiles.Read("openai-responses/created-in-progress-usage.sse");
        var state = Streamed(transcript.AsSpan(0, IndexOf(transcript, Completed)));

        var decision = OutcomeEngine.Decide(state, Finalization.Shutdown);

        Assert.That((decision.Status, decision.Reason, decision.Proof, decision.Rule), Is.EqualTo(("abandoned", "sidecar_shutdown", "none", 7)));
    }

    [Test]
    public void Rule8_end_while_the_upstream_was_still_sending_records_canceled()
    {
        var transcript = FixtureFiles.Read("openai-responses/text.sse");
        var state = Streamed(transcript.AsSpan(0, 200));
        state.OnEnd(0, DateTimeOffset.UtcNow);

        var decision = OutcomeEngine.Decide(state, Finalization.Ended);

        Assert.That((decision.Status, decision.Reason, decision.Rule), Is.EqualTo(("canceled", "ended_before_upstream_end", 8)));
    }

    private static ExecutionState Streamed(ReadOnlySpan<byte> bytes)
    {
        var start = DateTimeOffset.UtcNow;
        var state = new ExecutionState(new ExecutionStart(Guid.NewGuid(), start, Format, Stream: true));
        state.OnResponse(200, "text/event-stream", start);
        state.OnChunk(bytes, start.AddMilliseconds(5));
        return state;
    }
}
