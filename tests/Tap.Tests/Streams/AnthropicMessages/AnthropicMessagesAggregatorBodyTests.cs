using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.AnthropicMessages;
using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorBodyTests
{
    [Test]
    public void Non_streamed_message_is_a_terminal_with_cache_counts_in_its_usage()
    {
        var aggregator = new AnthropicMessagesAggregator("application/json");
        var body = FixtureFiles.Read("anthropic-messages/body.json");
        aggregator.Append(body.AsSpan(0, 100), T0);
        aggregator.Append(body.AsSpan(100), T0.AddSeconds(1));
        aggregator.CompleteUpstream(T0.AddSeconds(2));
        var content = Content(aggregator);

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "message", T0.AddSeconds(2))));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 2060, Output = 35, Total = 2095, CachedInput = 1800, CacheWrite = 248, CacheWrite1h = 0 }));
        Assert.That(content[0].GetProperty("signature").GetString(), Is.EqualTo("EqQBCgIYAhIMbodysig=="));
        Assert.That(content[1].GetProperty("text").GetString(), Is.EqualTo("Bonjour ! Comment puis-je vous aider ? 😊"));
        Assert.That(aggregator.FinishReason, Is.EqualTo("end_turn"));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0), "a whole answer's first token is its first byte");
        Assert.That(aggregator.EventCount, Is.EqualTo(1));
    }

    [Test]
    public void Non_streamed_tool_use_keeps_its_input_object()
    {
        var aggregator = Feed("application/json", """{"type":"message","content":[{"type":"tool_use","id":"toolu_1","name":"f","input":{"a":[1,2]}}],"stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}"""u8.ToArray());

        Assert.That(Content(aggregator).Single().GetProperty("input").GetRawText(), Is.EqualTo("""{"a":[1,2]}"""));
        Assert.That(aggregator.GeneratedText(), Is.EqualTo("""f{"a":[1,2]}"""));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo("tool_calls"));
    }

    [Test]
    public void Non_streamed_body_may_start_with_a_BOM()
    {
        var aggregator = Feed("application/json", [.. "\uFEFF"u8, .. FixtureFiles.Read("anthropic-messages/body.json")]);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("message"));
    }

    [Test]
    public void Error_body_is_a_provider_error()
    {
        var aggregator = Feed("application/json", FixtureFiles.Read("anthropic-messages/error-529.json"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Is.EqualTo("Overloaded"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("")]
    [TestCase("<html>502 Bad Gateway</html>")]
    [TestCase("{\"type\":\"message\",\"content\":[")]
    [TestCase("{\"type\":\"message\"}")]
    public void Empty_or_garbage_body_is_malformed_json(string body)
    {
        var aggregator = Feed("application/json", Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Nesting_bomb_body_is_malformed_json()
    {
        var aggregator = Feed("application/json", Encoding.UTF8.GetBytes("{\"content\":" + new string('[', 5000) + new string(']', 5000) + "}"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Body_with_invalid_utf8_is_invalid_utf8()
    {
        var aggregator = Feed("application/json", [.. "{\"content\":[],\"id\":\""u8, 0xFF, .. "\"}"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Body_past_the_limit_is_body_too_large()
    {
        var aggregator = new AnthropicMessagesAggregator(null, maxBodyBytes: 64);
        var body = FixtureFiles.Read("anthropic-messages/body.json");
        aggregator.Append(body, T0);
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("body_too_large"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(body.Length));
    }
}
