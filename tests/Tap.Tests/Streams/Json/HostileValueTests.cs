using System.Text;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams.Json;

/// <summary>
/// Every format reads provider JSON through the one kit, so hostile values mean the same everywhere: text that is not
/// text (an escaped lone surrogate) is <c>malformed_json</c>, never an exception, and a member of the wrong JSON kind
/// reads as absent (docs/outcomes.md, "Malformed input").
/// </summary>
public sealed class HostileValueTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 2, 9, 0, 0, TimeSpan.Zero);

    [TestCase("openai-chat", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\\ud800\"}}]}\n\n")]
    [TestCase("anthropic-messages", "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"\\ud800\"}}\n\n")]
    [TestCase("gemini", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\\ud800\"}]}}]}\r\n\r\n")]
    [TestCase("gemini", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":{\"name\":\"f\",\"args\":{\"a\":\"\\ud800\"}}}]}}]}\r\n\r\n")]
    [TestCase("gemini", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"\\ud800\":1}]}}]}\r\n\r\n")]
    [TestCase("openai-responses", "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"output_index\":0,\"content_index\":0,\"delta\":\"\\ud800\"}\n\n")]
    public void A_lone_surrogate_in_streamed_text_is_malformed_json_in_every_format(string format, string stream)
    {
        var aggregator = Feed(format, "text/event-stream", stream);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Fault?.Message, Is.EqualTo("A JSON string is not valid UTF-16 text."));
        Assert.That(() => aggregator.BuildResponse(int.MaxValue, out _), Throws.Nothing);
    }

    [TestCase("openai-chat", """{"object":"chat.completion","choices":[{"index":0,"message":{"content":"\ud800"},"finish_reason":"stop"}]}""")]
    [TestCase("anthropic-messages", """{"type":"message","content":[{"type":"text","text":"\ud800"}],"stop_reason":"end_turn"}""")]
    [TestCase("gemini", """{"candidates":[{"content":{"parts":[{"text":"\ud800"}]},"finishReason":"STOP"}]}""")]
    [TestCase("gemini", """[{"candidates":[{"content":{"parts":[{"text":"a"}]}}]},{"candidates":[{"content":{"parts":[{"text":"\udfff"}]},"finishReason":"STOP"}]}]""")]
    [TestCase("openai-responses", """{"object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"\ud800"}]}]}""")]
    public void A_lone_surrogate_in_a_body_is_malformed_json_without_a_terminal_in_every_format(string format, string body)
    {
        var aggregator = Feed(format, "application/json", body);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("openai-chat", "data: {\"choices\":[1]}\n\n", "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n")]
    [TestCase("anthropic-messages", "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":1}\n\n",
        "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n")]
    [TestCase("gemini", "data: {\"candidates\":[1]}\r\n\r\n", "data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"a\"}]},\"finishReason\":\"STOP\"}]}\r\n\r\n")]
    [TestCase("openai-responses", "event: response.output_item.added\ndata: {\"type\":\"response.output_item.added\",\"output_index\":0,\"item\":1}\n\n",
        "event: response.completed\ndata: {\"type\":\"response.completed\",\"response\":{\"object\":\"response\",\"status\":\"completed\"}}\n\n")]
    public void A_member_of_the_wrong_kind_reads_as_absent_in_every_format(string format, string wrongKind, string rest)
    {
        var aggregator = Feed(format, "text/event-stream", wrongKind + rest);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal, Is.Not.Null, "the stream went on to its terminal event");
    }

    private static IFormatAggregator Feed(string format, string contentType, string text)
    {
        var aggregator = AggregatorFactory.Create(format, contentType);
        aggregator.Append(Encoding.UTF8.GetBytes(text), T0);
        aggregator.CompleteUpstream(T0);
        return aggregator;
    }
}
