using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.OpenAIChat;
using static Tap.Tests.Streams.OpenAIChat.ChatHarness;

namespace Tap.Tests.Streams.OpenAIChat;

public sealed class ChatCompletionsAggregatorBodyTests
{
    [Test]
    public void Non_streamed_body_is_a_terminal_with_usage()
    {
        var aggregator = new ChatCompletionsAggregator("application/json");
        var body = FixtureFiles.Read("openai-chat/body.json");
        aggregator.Append(body.AsSpan(0, 100), T0);
        aggregator.Append(body.AsSpan(100), T0.AddSeconds(1));
        aggregator.CompleteUpstream(T0.AddSeconds(2));

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "chat.completion", T0.AddSeconds(2))));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 19, Output = 10, Total = 29, CachedInput = 0, Reasoning = 0 }));
        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("Hello! How can I help you today? 😊"));
        Assert.That(aggregator.FinishReason, Is.EqualTo("stop"));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0));
        Assert.That(aggregator.EventCount, Is.EqualTo(1));
    }

    [Test]
    public void Non_streamed_body_may_start_with_a_BOM()
    {
        var aggregator = Feed("application/json", [.. "\uFEFF"u8, .. FixtureFiles.Read("openai-chat/body.json")]);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("chat.completion"));
    }

    [Test]
    public void Non_streamed_error_body_is_a_provider_error()
    {
        var aggregator = Feed("application/json", FixtureFiles.Read("openai-chat/error-429.json"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Does.StartWith("Rate limit reached"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("")]
    [TestCase("<html>502 Bad Gateway</html>")]
    [TestCase("{\"id\":\"chatcmpl-1\",\"choices\":[")]
    [TestCase("{\"id\":\"chatcmpl-1\"}")]
    public void Empty_or_garbage_body_is_malformed_json(string body)
    {
        var aggregator = Feed("application/json", Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Body_with_invalid_utf8_is_invalid_utf8()
    {
        var aggregator = Feed("application/json", [.. "{\"choices\":[],\"id\":\""u8, 0xFF, .. "\"}"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Body_past_the_limit_is_body_too_large()
    {
        var aggregator = new ChatCompletionsAggregator(null, maxBodyBytes: 64);
        var body = FixtureFiles.Read("openai-chat/body.json");
        aggregator.Append(body, T0);
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("body_too_large"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(body.Length));
    }
}
