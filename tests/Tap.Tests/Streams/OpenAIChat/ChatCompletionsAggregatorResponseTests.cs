using System.Text;
using Tap.Sidecar.Streams.OpenAIChat;
using static Tap.Tests.Streams.OpenAIChat.ChatHarness;

namespace Tap.Tests.Streams.OpenAIChat;

public sealed class ChatCompletionsAggregatorResponseTests
{
    [Test]
    public void Response_longer_than_max_chars_is_cut_and_marked_truncated()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("openai-chat/text.sse"));

        var full = aggregator.BuildResponse(int.MaxValue, out var fullTruncated);
        var cut = aggregator.BuildResponse(40, out var cutTruncated);

        Assert.That(fullTruncated, Is.False);
        Assert.That(cutTruncated, Is.True);
        Assert.That(cut, Is.EqualTo(full[..40]));
    }

    [Test]
    public void Text_past_the_aggregation_cap_is_dropped_and_marked_truncated()
    {
        var aggregator = new ChatCompletionsAggregator(EventStream, maxTextChars: 10);
        foreach (var piece in new[] { "Hello", " world", "!" })
        {
            aggregator.Append(Encoding.UTF8.GetBytes(Chunk($$"""[{"index":0,"delta":{"content":"{{piece}}"},"finish_reason":null}]""")), T0);
        }

        aggregator.CompleteUpstream(T0);

        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("Hello worl"));
        aggregator.BuildResponse(int.MaxValue, out var truncated);
        Assert.That(truncated, Is.True);
    }

    [Test]
    public void Compact_response_omits_nulls()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("openai-chat/no-usage.sse"));

        var response = aggregator.BuildResponse(int.MaxValue, out _);

        Assert.That(response, Is.EqualTo("""{"id":"chatcmpl-CXk1nouse0000000000000000002","model":"gpt-4o-2024-08-06","system_fingerprint":"fp_f33640a400","choices":[{"index":0,"role":"assistant","content":"The answer is 42.","finish_reason":"stop"}]}"""));
    }
}
