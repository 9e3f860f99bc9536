using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorStreamRulesTests
{
    [Test]
    public void Message_start_output_tokens_are_provisional_never_final()
    {
        var aggregator = FeedEvents(MessageStart("""{"input_tokens":10,"cache_read_input_tokens":90,"output_tokens":1}"""), TextStart(), TextDelta("a"), BlockStop());

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 100, Output = 1, Total = 101, CachedInput = 90 }));
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Message_start_alone_proves_nothing_even_with_a_large_output_count()
    {
        var aggregator = FeedEvents(MessageStart("""{"input_tokens":10,"output_tokens":500}"""), MessageStop());

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FinishReason, Is.Null);
    }

    [Test]
    public void Message_delta_without_usage_leaves_no_final_usage()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), BlockStop(), Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":"end_turn"}}"""));

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Message_delta_before_the_stop_reason_is_provisional()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), Event("message_delta", """{"type":"message_delta","delta":{"stop_reason":null},"usage":{"output_tokens":3}}"""));

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage?.Output, Is.EqualTo(3));
    }

    [Test]
    public void Final_usage_keeps_message_start_input_counts_when_message_delta_sends_only_output()
    {
        var aggregator = FeedEvents(
            MessageStart("""{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":300,"output_tokens":1}"""),
            TextStart(), TextDelta("a"), BlockStop(), MessageDelta(usage: """{"output_tokens":9}"""));

        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 325, Output = 9, Total = 334, CachedInput = 300, CacheWrite = 20 }));
    }

    [Test]
    public void Message_delta_with_a_stop_reason_completes_the_answer_before_message_stop()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), BlockStop(), MessageDelta());

        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(7));
    }

    [Test]
    public void A_block_never_stopped_keeps_the_answer_incomplete()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), MessageDelta());

        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Block_start_and_empty_deltas_are_not_a_first_token()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta(""), Event("ping", """{"type": "ping"}"""));

        Assert.That(aggregator.FirstTokenAt, Is.Null);
    }

    [Test]
    public void Unknown_event_and_delta_types_are_ignored()
    {
        var aggregator = FeedEvents(
            MessageStart(), Event("future_event", """{"type":"future_event","x":1}"""), TextStart(),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"future_delta","y":2}}"""),
            TextDelta("ok"), BlockStop(), MessageDelta(), MessageStop());

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("ok"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
    }

    [Test]
    public void Error_event_without_a_message_is_still_a_failed_terminal()
    {
        var aggregator = FeedEvents(MessageStart(), Event("error", """{"type":"error"}"""));

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Detail, Is.Null);
    }

    [Test]
    public void Events_after_message_stop_are_ignored()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), BlockStop(), MessageDelta(), MessageStop(), TextDelta("b"), MessageDelta("max_tokens"));

        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("a"));
        Assert.That(aggregator.FinishReason, Is.EqualTo("end_turn"));
    }

    [Test]
    public void Model_context_window_exceeded_is_incomplete()
    {
        var aggregator = FeedEvents(MessageStart(), TextStart(), TextDelta("a"), BlockStop(), MessageDelta("model_context_window_exceeded"), MessageStop());

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo("length"));
    }

    [TestCase("end_turn", "stop")]
    [TestCase("stop_sequence", "stop")]
    [TestCase("tool_use", "tool_calls")]
    [TestCase("pause_turn", "pause")]
    [TestCase("refusal", "refusal")]
    [TestCase("max_tokens", "length")]
    [TestCase("compaction", "other")]
    public void Stop_reasons_normalize(string stopReason, string normalized)
    {
        var aggregator = FeedEvents(MessageStart(), MessageDelta(stopReason), MessageStop());

        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(normalized));
    }
}
