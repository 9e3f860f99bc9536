using Tap.Sidecar.Replay;
using Tap.Tests.Streams;

using static Tap.Tests.Outcome.DecisionTable;

namespace Tap.Tests.Outcome;

/// <summary>The rows of docs/outcomes.md for Anthropic Messages transcripts, through the code tap replay runs.</summary>
public class AnthropicMessagesDecisionTableTests
{
    private const string Anthropic = "anthropic-messages";

    [TestCase("anthropic-messages/error-4xx.json", 429, "would exceed the rate limit")]
    [TestCase("anthropic-messages/error-529.json", 529, "Overloaded")]
    public void Rule1_http_error_with_an_error_body_records_failed_with_the_providers_message(string fixture, int status, string message)
    {
        var record = ReplayFixture(fixture, new ReplayOptions { Format = Anthropic, Status = status, ContentType = "application/json" });

        AssertOutcome(record, "failed", "upstream_http_error", "none", 1);
        Assert.That(record.ErrorMessage, Does.Contain(message));
    }

    [Test]
    public void Rule2_a_whole_stream_records_completed_by_message_stop_with_the_final_usage()
    {
        var record = ReplayFixture("anthropic-messages/text.sse", new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That(record.Usage!.Input, Is.EqualTo(25));
            Assert.That(record.Usage.Output, Is.EqualTo(18));
            Assert.That(record.FinishReason, Is.EqualTo("end_turn"));
            Assert.That(record.NormalizedFinishReason, Is.EqualTo("stop"));
            Assert.That(record.Explanation, Does.Contain("message_stop"));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(record.TimeToFirstByteMs!.Value));
        });
    }

    [Test]
    public void Rule2_client_abort_after_message_stop_records_completed_with_the_abort_as_a_note()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, ClientAbortAt = transcript.Length });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Notes, Has.Some.Contains("client_aborted").And.Contains("after the terminal event"));
    }

    [Test]
    public void Rule2_max_tokens_records_incomplete()
    {
        var record = ReplayFixture("anthropic-messages/incomplete.sse", new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
        Assert.That(record.NormalizedFinishReason, Is.EqualTo("length"));
    }

    [Test]
    public void Rule2_refusal_records_completed_with_the_refusal_reason()
    {
        var record = ReplayFixture("anthropic-messages/refusal.sse", new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo(("refusal", "refusal")));
    }

    [TestCase("anthropic-messages/error-mid-stream.sse", "Internal server error")]
    [TestCase("anthropic-messages/overloaded-mid-stream.sse", "Overloaded")]
    public void Rule2_error_event_mid_stream_records_failed_provider_error(string fixture, string message)
    {
        var record = ReplayFixture(fixture, new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo(message));
        Assert.That(record.Usage?.Source, Is.Not.EqualTo("final"), "message_start's counts are not final");
    }

    [Test]
    public void Rule2_error_event_and_garbage_after_message_stop_leave_it_completed()
    {
        var record = ReplayFixture("anthropic-messages/error-after-terminal.sse", new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.Null);
    }

    [Test]
    public void Rule2_non_streamed_message_records_completed_with_cache_counts()
    {
        var record = ReplayFixture("anthropic-messages/body.json", new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That((record.Usage?.Input, record.Usage?.CachedInput, record.Usage?.CacheWrite, record.Usage?.Total), Is.EqualTo((2060L, 1800L, 248L, 2095L)));
    }

    [Test]
    public void Rule3_upstream_reset_right_after_message_delta_records_failed_because_errors_precede_proof()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, UpstreamErrorAt = IndexOf(transcript, "event: message_stop") });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
        Assert.That(record.Explanation, Does.Contain("connection_reset"));
    }

    [Test]
    public void Rule3_malformed_event_records_failed_malformed_stream()
    {
        var record = TranscriptReplayer.Replay("event: message_start\ndata: {\"type\":\"message_start\",\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8, new ReplayOptions { Format = Anthropic });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
    }

    [Test]
    public void Rule4_client_abort_after_message_delta_before_message_stop_records_completed_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, ClientAbortAt = IndexOf(transcript, "event: message_stop") });

        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage", 4);
        Assert.That(record.Explanation, Does.Contain("client aborted").And.Contains("(25 in, 18 out)"));
    }

    [Test]
    public void Rule4_client_abort_after_a_max_tokens_message_delta_records_incomplete_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/incomplete.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, ClientAbortAt = IndexOf(transcript, "event: message_stop") });

        AssertOutcome(record, "incomplete", "final_usage_seen", "aggregated_usage", 4);
    }

    [Test]
    public void Rule4_clean_eof_after_message_delta_without_message_stop_records_completed_by_aggregated_usage()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/tool-calls.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, EofAt = IndexOf(transcript, "event: message_stop") });

        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage", 4);
    }

    [Test]
    public void Rule5_client_abort_before_message_delta_records_canceled_with_provisional_input_and_estimated_output()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, ClientAbortAt = IndexOf(transcript, "event: message_delta") });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"), "message_start's output_tokens proves nothing");
        Assert.That(record.Usage?.Input, Is.GreaterThan(0), "message_start's input counts are kept");
        Assert.That(record.Usage?.Output, Is.GreaterThan(1), "the generated text outweighs message_start's placeholder output count");
        Assert.That(record.Usage?.EstimatedWith, Is.EqualTo("~o200k_base"));
    }

    [Test]
    public void Rule6_clean_eof_without_message_delta_or_message_stop_records_failed_stream_interrupted()
    {
        var transcript = FixtureFiles.Read("anthropic-messages/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Anthropic, EofAt = IndexOf(transcript, "event: message_delta") });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }
}
