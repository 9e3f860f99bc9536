using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.OpenAIChat.ChatHarness;

namespace Tap.Tests.Streams.OpenAIChat;

public sealed class ChatCompletionsAggregatorStreamRulesTests
{
    [Test]
    public void Usage_sent_while_a_choice_is_unfinished_is_provisional()
    {
        var aggregator = FeedEvents(
            Chunk("""[{"index":0,"delta":{"content":"a"},"finish_reason":null}]""", """{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}"""),
            Chunk("""[{"index":0,"delta":{},"finish_reason":"stop"}]""", "null"),
            "data: [DONE]\n\n");

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.Terminal, Is.Not.Null);
    }

    [Test]
    public void Usage_chunk_without_choices_is_the_final_usage()
    {
        var aggregator = FeedEvents(
            Chunk("""[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]""", "null"),
            Chunk("[]", """{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}"""));

        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 5, Output = 1, Total = 6 }));
    }

    [Test]
    public void DONE_padded_with_whitespace_is_still_the_terminal_event()
    {
        var aggregator = FeedEvents("data:  [DONE] \n\n");

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
        Assert.That(aggregator.Fault, Is.Null);
    }

    [Test]
    public void Finish_reason_alone_is_not_a_terminal_event()
    {
        var aggregator = FeedEvents(Chunk("""[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]"""));

        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FinishReason, Is.EqualTo("stop"));
    }

    [Test]
    public void Role_only_chunk_is_not_a_first_token()
    {
        var aggregator = FeedEvents(Chunk("""[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}]"""));

        Assert.That(aggregator.FirstTokenAt, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Truncated_json_in_a_data_line_is_malformed_json()
    {
        var aggregator = FeedEvents("data: {\"id\":\"chatcmpl-1\",\"choices\":[{\"index\":0,\"del\n\n", "data: [DONE]\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Only_the_first_fault_is_kept()
    {
        var aggregator = FeedEvents("data: not json\n\n", "data: {\"error\":{\"message\":\"later\"}}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Bytes_after_a_fault_are_counted_but_not_aggregated()
    {
        var aggregator = FeedEvents("data: not json\n\n", Chunk("""[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]"""));

        Assert.That(Choices(aggregator), Is.Empty);
        Assert.That(aggregator.ByteCount, Is.GreaterThan(100));
    }

    [Test]
    public void Sse_parser_fault_propagates_with_its_code()
    {
        var aggregator = FeedEvents("data: " + new string('x', 1024 * 1024) + "\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
    }

    [Test]
    public void Events_after_DONE_are_ignored_including_errors()
    {
        var aggregator = FeedEvents(
            Chunk("""[{"index":0,"delta":{"content":"a"},"finish_reason":"stop"}]"""),
            "data: [DONE]\n\n",
            Chunk("""[{"index":0,"delta":{"content":"b"},"finish_reason":null}]"""),
            "data: {\"error\":{\"message\":\"late\"}}\n\n");

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("a"));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
    }

    [Test]
    public void Malformed_bytes_after_DONE_are_not_a_fault()
    {
        var aggregator = Feed(EventStream, "data: [DONE]\n\n"u8.ToArray(), [.. "data: "u8, 0xC3, 0x28, (byte)'\n', (byte)'\n']);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
    }
}
