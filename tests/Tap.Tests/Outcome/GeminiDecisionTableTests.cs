using System.Text;
using Tap.Sidecar.Replay;
using Tap.Tests.Streams;

using static Tap.Tests.Outcome.DecisionTable;

namespace Tap.Tests.Outcome;

/// <summary>
/// The rows of docs/outcomes.md for Gemini transcripts, through the code tap serve and tap replay run. Gemini sends its
/// final usage on the terminal chunk itself, so rule 4 (final usage without a terminal event) never decides.
/// </summary>
public class GeminiDecisionTableTests
{
    private const string Gemini = "gemini";

    [Test]
    public void Rule1_http_429_with_the_error_body_records_failed_with_the_providers_message()
    {
        var record = ReplayFixture("gemini/error-4xx.json", new ReplayOptions { Format = Gemini, Status = 429, ContentType = "application/json; charset=UTF-8" });

        AssertOutcome(record, "failed", "upstream_http_error", "none", 1);
        Assert.That(record.ErrorMessage, Does.StartWith("You exceeded your current quota"));
    }

    [Test]
    public void Rule2_a_whole_stream_records_completed_by_the_chunk_that_finishes_every_candidate()
    {
        var record = ReplayFixture("gemini/text.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That(record.Explanation, Does.Contain("terminal event finishReason"));
            Assert.That((record.Usage?.Input, record.Usage?.Output, record.Usage?.Total), Is.EqualTo((11L, 15L, 26L)));
            Assert.That(record.FinishReason, Is.EqualTo("STOP"));
            Assert.That(record.NormalizedFinishReason, Is.EqualTo("stop"));
            Assert.That(record.ResponseModel, Is.EqualTo("gemini-2.5-flash"));
            Assert.That(record.TimeToFirstTokenMs, Is.EqualTo(record.TimeToFirstByteMs), "Gemini's first chunk already carries text");
        });
    }

    [Test]
    public void Rule2_client_abort_after_the_terminal_chunk_records_completed_with_the_abort_as_a_note()
    {
        var transcript = FixtureFiles.Read("gemini/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini, ClientAbortAt = transcript.Length });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Notes, Has.Some.Contains("client_aborted").And.Contains("after the terminal event"));
    }

    [Test]
    public void Rule2_MAX_TOKENS_records_incomplete()
    {
        var record = ReplayFixture("gemini/incomplete.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
        Assert.That(record.Usage?.Output, Is.EqualTo(57));
    }

    [Test]
    public void Rule2_SAFETY_records_incomplete()
    {
        var record = ReplayFixture("gemini/refusal.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
        Assert.That(record.NormalizedFinishReason, Is.EqualTo("content_filter"));
    }

    [Test]
    public void Rule2_a_blocked_prompt_records_failed_with_the_block_reason()
    {
        var record = ReplayFixture("gemini/prompt-blocked.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo("SAFETY"));
        Assert.That(record.Explanation, Does.Contain("promptFeedback.blockReason"));
    }

    [Test]
    public void Rule2_a_malformed_function_call_records_failed_with_the_providers_message()
    {
        var transcript = "data: {\"candidates\": [{\"finishReason\": \"MALFORMED_FUNCTION_CALL\",\"finishMessage\": \"Malformed function call: get_weather(\",\"index\": 0}],\"usageMetadata\": {\"promptTokenCount\": 2595,\"totalTokenCount\": 2595}}\r\n\r\n"u8;

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo("MALFORMED_FUNCTION_CALL: Malformed function call: get_weather("));
        Assert.That(record.Usage?.Input, Is.EqualTo(2595));
    }

    [Test]
    public void Rule2_an_error_and_garbage_after_the_terminal_chunk_leave_the_stream_completed()
    {
        var record = ReplayFixture("gemini/error-after-terminal.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.Null);
    }

    [TestCase("gemini/body.json")]
    [TestCase("gemini/body-array.json")]
    public void Rule2_a_non_streamed_body_records_completed_with_its_usage(string fixture)
    {
        var record = ReplayFixture(fixture, new ReplayOptions { Format = Gemini, ContentType = "application/json; charset=UTF-8" });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Usage?.Total, Is.GreaterThan(0));
    }

    [Test]
    public void Rule3_upstream_reset_mid_stream_records_failed()
    {
        var transcript = FixtureFiles.Read("gemini/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini, UpstreamErrorAt = transcript.Length / 2 });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
        Assert.That(record.Explanation, Does.Contain("connection_reset"));
    }

    [Test]
    public void Rule3_an_error_object_in_the_stream_records_failed_provider_error()
    {
        var record = ReplayFixture("gemini/error-mid-stream.sse", new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "failed", "provider_error", "none", 3);
        Assert.That(record.ErrorMessage, Is.EqualTo("The model is overloaded. Please try again later."));
    }

    [Test]
    public void Rule3_garbage_instead_of_a_chunk_records_failed_malformed_stream()
    {
        var record = TranscriptReplayer.Replay("data: {\"candidates\": [{\"content\": \r\n\r\n"u8, new ReplayOptions { Format = Gemini });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
    }

    [Test]
    public void Rule5_client_abort_before_the_terminal_chunk_records_canceled_and_no_final_usage()
    {
        var transcript = FixtureFiles.Read("gemini/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini, ClientAbortAt = LastChunk(transcript) });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That(record.Usage?.Source, Is.Not.EqualTo("final"), "the running usageMetadata of earlier chunks proves nothing");
    }

    [Test]
    public void Rule5_client_abort_after_one_of_two_candidates_finished_records_canceled()
    {
        var transcript = FixtureFiles.Read("gemini/multiple-candidates.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini, ClientAbortAt = LastChunk(transcript) });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That(record.Usage?.Source, Is.Not.EqualTo("final"));
    }

    [Test]
    public void Rule6_clean_eof_without_the_terminal_chunk_records_failed_stream_interrupted()
    {
        var transcript = FixtureFiles.Read("gemini/text.sse");

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Gemini, EofAt = LastChunk(transcript) });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
        Assert.That(record.Usage?.Source, Is.Not.EqualTo("final"));
    }


    /// <summary>The offset of the transcript's last chunk: the one that finishes every candidate.</summary>
    private static int LastChunk(byte[] transcript) => transcript.AsSpan().LastIndexOf(Encoding.UTF8.GetBytes("data: "));
}
