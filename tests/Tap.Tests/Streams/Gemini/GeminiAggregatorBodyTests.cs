using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.Gemini;
using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>Non-streamed bodies: generateContent, and streamGenerateContent without alt=sse.</summary>
public sealed class GeminiAggregatorBodyTests
{
    [Test]
    public void GenerateContent_body_is_a_terminal_with_final_usage()
    {
        var aggregator = new GeminiAggregator("application/json; charset=UTF-8");
        var body = FixtureFiles.Read("gemini/body.json");
        aggregator.Append(body.AsSpan(0, 100), T0);
        aggregator.Append(body.AsSpan(100), T0.AddSeconds(1));
        aggregator.CompleteUpstream(T0.AddSeconds(2));

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "GenerateContentResponse", T0.AddSeconds(2))));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 5, Output = 35, Total = 40, Reasoning = 25 }));
        Assert.That(aggregator.ProvisionalUsage, Is.Null);
        Assert.That(Answer(aggregator), Is.EqualTo("Hello! How can I help you today? 😊"));
        Assert.That(aggregator.FinishReason, Is.EqualTo("STOP"));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0));
        Assert.That(aggregator.EventCount, Is.EqualTo(1));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gemini-2.5-flash"));
    }

    [Test]
    public void JSON_array_body_merges_its_responses_in_order()
    {
        var aggregator = Feed(JsonBody, FixtureFiles.Read("gemini/body-array.json"));

        Assert.That(Answer(aggregator), Is.EqualTo("Streaming without SSE is a JSON array."));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 7, Output = 9, Total = 16 }));
        Assert.That(aggregator.EventCount, Is.EqualTo(2));
    }

    [Test]
    public void JSON_array_body_whose_last_element_finishes_nothing_still_has_its_last_usage_as_final()
    {
        var body = """[{"candidates": [{"content": {"parts": [{"text": "a"}]}}],"usageMetadata": {"promptTokenCount": 3,"candidatesTokenCount": 1,"totalTokenCount": 4}}]""";

        var aggregator = Feed(JsonBody, Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 3, Output = 1, Total = 4 }));
        Assert.That(aggregator.ProvisionalUsage, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Body_may_start_with_a_BOM()
    {
        var aggregator = Feed(JsonBody, [.. "\uFEFF"u8, .. FixtureFiles.Read("gemini/body-array.json")]);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("GenerateContentResponse"));
    }

    [Test]
    public void Blocked_prompt_body_is_a_failed_terminal()
    {
        var aggregator = Feed(JsonBody, """{"promptFeedback": {"blockReason": "OTHER"},"usageMetadata": {"promptTokenCount": 4,"totalTokenCount": 4}}"""u8.ToArray());

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("promptFeedback.blockReason"));
        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo("OTHER"));
    }

    [TestCase("gemini/error-4xx.json")]
    [TestCase(null)]
    public void Error_body_alone_or_in_an_array_is_a_provider_error(string? fixture)
    {
        var body = fixture is null
            ? """[{"error": {"code": 503,"message": "The model is overloaded.","status": "UNAVAILABLE"}}]"""u8.ToArray()
            : FixtureFiles.Read(fixture);

        var aggregator = Feed(JsonBody, body);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Does.StartWith(fixture is null ? "The model is overloaded." : "You exceeded your current quota"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void An_error_element_after_responses_is_a_provider_error()
    {
        var body = """[{"candidates": [{"content": {"parts": [{"text": "a"}]}}]},{"error": {"code": 500,"message": "Internal error","status": "INTERNAL"}}]""";

        var aggregator = Feed(JsonBody, Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Message, Is.EqualTo("Internal error"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("")]
    [TestCase("<html>502 Bad Gateway</html>")]
    [TestCase("{\"candidates\": [")]
    [TestCase("[{\"candidates\": []},")]
    [TestCase("{\"modelVersion\": \"gemini-2.5-flash\"}")]
    [TestCase("[]")]
    [TestCase("[1, 2]")]
    [TestCase("  [{\"usageMetadata\": {}}]")]
    public void Empty_garbage_or_truncated_body_is_malformed_json(string body)
    {
        var aggregator = Feed(JsonBody, Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("{")]
    [TestCase("[")]
    public void Nesting_bomb_body_is_malformed_json(string open)
    {
        var close = open == "{" ? "}" : "]";
        var bomb = string.Concat(Enumerable.Repeat(open == "{" ? "{\"a\":" : "[", 10_000)) + "1" + string.Concat(Enumerable.Repeat(close, 10_000));

        var aggregator = Feed(JsonBody, Encoding.UTF8.GetBytes(bomb));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [TestCase("{\"candidates\": [], \"responseId\": \"")]
    [TestCase("[{\"candidates\": [], \"responseId\": \"")]
    public void Body_with_invalid_utf8_is_invalid_utf8(string prefix)
    {
        var aggregator = Feed(JsonBody, [.. Encoding.UTF8.GetBytes(prefix), 0xFF, .. "\"}"u8, .. prefix[0] == '[' ? "]"u8 : ""u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Body_past_the_limit_is_body_too_large()
    {
        var aggregator = new GeminiAggregator(null, maxBodyBytes: 64);
        var body = FixtureFiles.Read("gemini/body.json");
        aggregator.Append(body, T0);
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("body_too_large"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(body.Length));
    }
}
