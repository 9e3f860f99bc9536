using System.Text;
using Tap.Sidecar.Replay;
using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Tests.Streams.AwsEventStream;

using static Tap.Tests.Outcome.DecisionTable;
using static Tap.Tests.Streams.Bedrock.BedrockTranscripts;

namespace Tap.Tests.Outcome;

/// <summary>The rows of docs/outcomes.md for Bedrock's two formats, through the code tap replay runs.</summary>
public class BedrockDecisionTableTests
{
    private const string Converse = "bedrock-converse";
    private const string Invoke = "bedrock-invoke-anthropic";

    [Test]
    public void Rule2_a_whole_ConverseStream_records_completed_by_metadata_with_its_usage()
    {
        var record = TranscriptReplayer.Replay(ConverseText(), new ReplayOptions { Format = Converse });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That((record.Usage!.Input, record.Usage.Output, record.Usage.Total, record.Usage.Source), Is.EqualTo((25L, 18L, 43L, "final")));
            Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo(("end_turn", "stop")));
            Assert.That(record.Explanation, Does.Contain("metadata"));
            Assert.That(record.EventCount, Is.EqualTo(6));
            Assert.That(record.Response, Does.Contain("Bonjour ! Voilà un café ☕ et un salut "));
            Assert.That(record.TimeToFirstTokenMs, Is.GreaterThan(record.TimeToFirstByteMs!.Value));
        });
    }

    [TestCase("end_turn", "completed", "terminal_event", "stop")]
    [TestCase("stop_sequence", "completed", "terminal_event", "stop")]
    [TestCase("tool_use", "completed", "terminal_event", "tool_calls")]
    [TestCase("max_tokens", "incomplete", "provider_incomplete", "length")]
    [TestCase("model_context_window_exceeded", "incomplete", "provider_incomplete", "length")]
    [TestCase("guardrail_intervened", "incomplete", "provider_incomplete", "content_filter")]
    [TestCase("content_filtered", "incomplete", "provider_incomplete", "content_filter")]
    [TestCase("malformed_model_output", "failed", "provider_error", "error")]
    [TestCase("malformed_tool_use", "failed", "provider_error", "error")]
    [TestCase("a_reason_added_later", "completed", "terminal_event", "other")]
    public void Rule2_each_stop_reason_gives_its_class(string stopReason, string status, string reason, string normalized)
    {
        var record = TranscriptReplayer.Replay(ConverseText(stopReason), new ReplayOptions { Format = Converse });

        AssertOutcome(record, status, reason, "terminal_event", 2);
        Assert.That((record.FinishReason, record.NormalizedFinishReason), Is.EqualTo((stopReason, normalized)));
    }

    [TestCase("internalServerException", """{"message":"The server encountered an internal error."}""", "internalServerException: The server encountered an internal error.")]
    [TestCase("modelStreamErrorException", """{"message":"Model stream error.","originalStatusCode":500,"originalMessage":"overloaded"}""", "modelStreamErrorException: Model stream error. (the model answered 500: overloaded)")]
    [TestCase("serviceUnavailableException", """{"message":"Service unavailable."}""", "serviceUnavailableException: Service unavailable.")]
    [TestCase("throttlingException", """{"message":"Too many requests, please wait before trying again."}""", "throttlingException: Too many requests, please wait before trying again.")]
    [TestCase("validationException", """{"message":"The model returned the following errors: max_tokens"}""", "validationException: The model returned the following errors: max_tokens")]
    public void Rule2_each_in_stream_exception_records_failed_provider_error_with_its_message(string exceptionType, string json, string message)
    {
        var record = TranscriptReplayer.Replay(ConverseException(exceptionType, json), new ReplayOptions { Format = Converse });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo(message));
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"));
    }

    [Test]
    public void Rule2_an_error_message_records_failed_with_its_code_and_message()
    {
        byte[] transcript = [.. ConverseText()[..StartOf(ConverseText(), "messageStop")], .. EventStreamEncoder.Error("InternalFailure", "Stream closed.")];

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo("InternalFailure: Stream closed."));
    }

    [Test]
    public void Rule2_client_abort_after_metadata_records_completed_with_the_abort_as_a_note()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, ClientAbortAt = transcript.Length });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That(record.Notes, Has.Some.Contains("client_aborted").And.Contains("after the terminal event"));
    }

    [Test]
    public void Rule2_non_streamed_converse_body_records_completed_with_its_usage_and_tool_use()
    {
        var record = TranscriptReplayer.Replay(Encoding.UTF8.GetBytes(ConverseBody), new ReplayOptions { Format = Converse });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That((record.Usage!.Input, record.Usage.Output, record.Usage.Total), Is.EqualTo((30L, 20L, 50L)));
            Assert.That(record.NormalizedFinishReason, Is.EqualTo("tool_calls"));
            Assert.That(record.Response, Does.Contain("""{"toolUse":{"toolUseId":"tooluse_1","name":"get_weather","input":{"city":"Paris"}}}"""));
        });
    }

    [Test]
    public void Rule2_cache_counts_are_part_of_the_input()
    {
        var record = TranscriptReplayer.Replay(ConverseToolUse(), new ReplayOptions { Format = Converse });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.That((record.Usage!.Input, record.Usage.CachedInput, record.Usage.CacheWrite, record.Usage.Output, record.Usage.Total), Is.EqualTo((2060L, 1800L, 248L, 87L, 2147L)));
        Assert.That(record.Response, Does.Contain("""{"reasoningContent":{"reasoningText":{"text":"The user wants the weather.","signature":"EqoBCkgIARABGAIiQL"}}}"""));
        Assert.That(record.Response, Does.Contain("""{"toolUse":{"toolUseId":"tooluse_kZJMlvQmRJ6eAyJE5GIl7Q","name":"get_weather","input":{"city":"Paris","unit":"celsius"}}}"""));
    }

    [Test]
    public void Rule3_upstream_reset_after_messageStop_before_metadata_records_failed()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, UpstreamErrorAt = StartOf(transcript, "metadata") });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
    }

    [Test]
    public void Rule3_upstream_reset_mid_answer_records_failed()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, UpstreamErrorAt = StartOf(transcript, "contentBlockStop") });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"));
    }

    [Test]
    public void Rule3_a_bad_message_checksum_records_failed_malformed_stream_with_the_reason()
    {
        var transcript = ConverseText();
        transcript[StartOf(transcript, "messageStop") + 40] ^= 0x01;

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
        Assert.That(record.Explanation, Does.Contain("message_crc_mismatch"));
    }

    [Test]
    public void Rule3_a_bad_prelude_checksum_records_failed_malformed_stream()
    {
        var transcript = ConverseText();
        transcript[StartOf(transcript, "contentBlockStop") + 9] ^= 0x80;

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, ContentType = "application/vnd.amazon.eventstream" });

        AssertOutcome(record, "failed", "malformed_stream", "none", 3);
        Assert.That(record.Explanation, Does.Contain("prelude_crc_mismatch"));
    }

    [Test]
    public void Rule5_client_abort_before_messageStop_records_canceled_with_estimated_usage()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, ClientAbortAt = StartOf(transcript, "messageStop") });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That(record.Usage?.Source, Is.EqualTo("estimated"));
    }

    [Test]
    public void Rule5_client_abort_after_messageStop_before_metadata_records_canceled_because_no_usage_proves_the_bill()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, ClientAbortAt = StartOf(transcript, "metadata") });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
        Assert.That((record.FinishReason, record.Usage?.Source), Is.EqualTo(("end_turn", "estimated")));
    }

    [Test]
    public void Rule6_clean_end_after_messageStop_without_metadata_records_failed_stream_interrupted()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, EofAt = StartOf(transcript, "metadata") });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }

    [Test]
    public void Rule6_a_stream_cut_inside_a_message_records_failed_stream_interrupted()
    {
        var transcript = ConverseText();

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Converse, EofAt = transcript.Length - 3 });

        AssertOutcome(record, "failed", "stream_interrupted", "none", 6);
    }

    [Test]
    public void Invoke_rule2_a_whole_stream_records_completed_by_message_stop_with_the_invocation_metrics()
    {
        var record = TranscriptReplayer.Replay(InvokeAnthropic(), new ReplayOptions { Format = Invoke });

        AssertOutcome(record, "completed", "terminal_event", "terminal_event", 2);
        Assert.Multiple(() =>
        {
            Assert.That((record.Usage!.Input, record.Usage.Output, record.Usage.Source), Is.EqualTo((25L, 18L, "final")));
            Assert.That((record.FinishReason, record.ResponseModel), Is.EqualTo(("end_turn", "claude-sonnet-4-5-20250929")));
            Assert.That(record.Response, Does.Contain("Bonjour ! À bientôt."));
        });
    }

    [Test]
    public void Invoke_rule2_max_tokens_records_incomplete()
    {
        var record = TranscriptReplayer.Replay(InvokeAnthropic("max_tokens"), new ReplayOptions { Format = Invoke });

        AssertOutcome(record, "incomplete", "provider_incomplete", "terminal_event", 2);
    }

    [Test]
    public void Invoke_rule2_an_in_stream_exception_records_failed_provider_error()
    {
        var transcript = InvokeAnthropic();
        byte[] cut = [.. transcript[..(int)EventStreamLayout.MessageEnds(transcript)[3]], .. EventStreamEncoder.Exception("modelTimeoutException", """{"message":"Model timed out."}""")];

        var record = TranscriptReplayer.Replay(cut, new ReplayOptions { Format = Invoke });

        AssertOutcome(record, "failed", "provider_error", "terminal_event", 2);
        Assert.That(record.ErrorMessage, Is.EqualTo("modelTimeoutException: Model timed out."));
    }

    [Test]
    public void Invoke_rule4_client_abort_after_message_delta_before_message_stop_records_completed_by_aggregated_usage()
    {
        var transcript = InvokeAnthropic();
        var messageStop = EventStreamLayout.MessageEnds(transcript)[^2];

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Invoke, ClientAbortAt = messageStop });

        AssertOutcome(record, "completed", "final_usage_seen", "aggregated_usage", 4);
    }

    [Test]
    public void Invoke_rule5_client_abort_before_the_stop_reason_records_canceled()
    {
        var transcript = InvokeAnthropic();
        var messageDeltaStart = EventStreamLayout.MessageEnds(transcript)[^3];

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Invoke, ClientAbortAt = messageDeltaStart });

        AssertOutcome(record, "canceled", "client_aborted", "none", 5);
    }

    [Test]
    public void Invoke_rule3_upstream_reset_after_message_delta_before_message_stop_records_failed()
    {
        var transcript = InvokeAnthropic();
        var messageStopStart = EventStreamLayout.MessageEnds(transcript)[^2];

        var record = TranscriptReplayer.Replay(transcript, new ReplayOptions { Format = Invoke, UpstreamErrorAt = messageStopStart });

        AssertOutcome(record, "failed", "upstream_error", "none", 3);
        Assert.That(record.Usage?.Source, Is.EqualTo("final"), "message_delta carried the final usage before the reset: billed, yet failed");
    }

    [Test]
    public void Replay_without_a_content_type_reads_an_AWS_event_stream_from_its_first_prelude()
    {
        var record = TranscriptReplayer.Replay(ConverseText(), new ReplayOptions { Format = Converse, ContentType = null });

        Assert.That(record.ContentType, Is.EqualTo("application/vnd.amazon.eventstream"));
    }
}
