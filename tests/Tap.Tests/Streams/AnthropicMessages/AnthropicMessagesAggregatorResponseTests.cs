using Tap.Sidecar.Streams.AnthropicMessages;
using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorResponseTests
{
    [Test]
    public void Response_is_the_compact_non_streamed_message_shape_without_nulls()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("anthropic-messages/incomplete.sse"));

        var response = aggregator.BuildResponse(int.MaxValue, out var truncated);

        Assert.That(truncated, Is.False);
        Assert.That(response, Is.EqualTo("""{"id":"msg_01MaxTokensCutShort00001","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929","content":[{"type":"text","text":"The three primary colours are red, yellow and"}],"stop_reason":"max_tokens","usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":16}}"""));
    }

    [Test]
    public void Response_before_the_final_usage_leaves_out_the_provisional_output_count()
    {
        var aggregator = FeedEvents(MessageStart("""{"input_tokens":10,"output_tokens":1}"""), TextStart(), TextDelta("a"));

        Assert.That(Message(aggregator).GetProperty("usage").GetRawText(), Is.EqualTo("""{"input_tokens":10}"""));
    }

    [Test]
    public void Tool_input_that_does_not_parse_is_kept_as_the_raw_string()
    {
        var aggregator = FeedEvents(
            MessageStart(),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"f","input":{}}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"city\": \"Par"}}"""));

        Assert.That(Content(aggregator).Single().GetProperty("input").GetString(), Is.EqualTo("{\"city\": \"Par"));
    }

    [Test]
    public void Tool_without_input_deltas_keeps_the_input_it_started_with()
    {
        var aggregator = FeedEvents(
            MessageStart(),
            Event("content_block_start", """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_1","name":"now","input":{}}}"""),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}"""),
            BlockStop());

        Assert.That(Content(aggregator).Single().GetProperty("input").GetRawText(), Is.EqualTo("{}"));
    }

    [Test]
    public void Citations_deltas_are_kept_on_their_text_block()
    {
        var aggregator = FeedEvents(
            MessageStart(), TextStart(), TextDelta("Grass is green."),
            Event("content_block_delta", """{"type":"content_block_delta","index":0,"delta":{"type":"citations_delta","citation":{"type":"char_location","cited_text":"Grass is green.","document_index":0,"start_char_index":0,"end_char_index":15}}}"""));

        Assert.That(Content(aggregator).Single().GetProperty("citations")[0].GetProperty("cited_text").GetString(), Is.EqualTo("Grass is green."));
    }

    [Test]
    public void Response_longer_than_max_chars_is_cut_and_marked_truncated()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("anthropic-messages/text.sse"));

        var full = aggregator.BuildResponse(int.MaxValue, out var fullTruncated);
        var cut = aggregator.BuildResponse(40, out var cutTruncated);

        Assert.That(fullTruncated, Is.False);
        Assert.That(cutTruncated, Is.True);
        Assert.That(cut, Is.EqualTo(full[..40]));
    }

    [Test]
    public void Text_past_the_aggregation_cap_is_dropped_and_marked_truncated()
    {
        var aggregator = new AnthropicMessagesAggregator(EventStream, maxTextChars: 10);
        foreach (var text in new[] { MessageStart(), TextStart(), TextDelta("Hello"), TextDelta(" world"), TextDelta("!") })
        {
            aggregator.Append(System.Text.Encoding.UTF8.GetBytes(text), T0);
        }

        aggregator.CompleteUpstream(T0);

        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("Hello worl"));
        aggregator.BuildResponse(int.MaxValue, out var truncated);
        Assert.That(truncated, Is.True);
    }
}
