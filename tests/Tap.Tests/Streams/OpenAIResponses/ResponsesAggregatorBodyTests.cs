using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.OpenAIResponses;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

public sealed class ResponsesAggregatorBodyTests
{
    private const string Json = "application/json";

    [Test]
    public void Non_streamed_response_object_is_a_terminal_with_usage()
    {
        var aggregator = new ResponsesAggregator(Json);
        var body = FixtureFiles.Read("openai-responses/body.json");
        aggregator.Append(body.AsSpan(0, 100), T0);
        aggregator.Append(body.AsSpan(100), T0.AddSeconds(1));
        aggregator.CompleteUpstream(T0.AddSeconds(2));

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "response", T0.AddSeconds(2))));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 19, Output = 10, Total = 29, CachedInput = 0, Reasoning = 0 }));
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Hello! How can I help you today? 😊"));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("completed", "stop")));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0));
        Assert.That(aggregator.EventCount, Is.EqualTo(1));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gpt-4.1-2025-04-14"));
    }

    [Test]
    public void Non_streamed_body_may_start_with_a_BOM()
    {
        var aggregator = Feed(Json, [.. "\uFEFF"u8, .. FixtureFiles.Read("openai-responses/body.json")]);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response"));
    }

    [Test]
    public void Failed_response_object_is_a_failed_terminal_not_a_provider_error_fault()
    {
        var aggregator = Feed(Json, [.. "\uFEFF"u8, .. """{"id":"resp_1","object":"response","status":"failed","error":{"code":"server_error","message":"The model crashed."},"output":[],"usage":null}"""u8]);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Failed, "response", T0, "The model crashed.")));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo("error"));
    }

    [Test]
    public void Incomplete_response_object_is_an_incomplete_terminal()
    {
        var aggregator = Feed(Json, """{"object":"response","status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}"""u8.ToArray());

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinishReason, Is.EqualTo("incomplete:max_output_tokens"));
    }

    [Test]
    public void Queued_background_response_is_a_completed_exchange_whose_finish_reason_says_queued()
    {
        var aggregator = Feed(Json, """{"id":"resp_1","object":"response","status":"queued","background":true,"output":[],"usage":null}"""u8.ToArray());

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("queued", "other")));
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.FirstTokenAt, Is.Null);
    }

    [Test]
    public void Non_streamed_error_body_is_a_provider_error()
    {
        var aggregator = Feed(Json, FixtureFiles.Read("openai-responses/error-429.json"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Does.StartWith("Rate limit reached"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [TestCase("")]
    [TestCase("<html>502 Bad Gateway</html>")]
    [TestCase("{\"id\":\"resp_1\",\"output\":[")]
    [TestCase("{\"id\":\"resp_1\"}")]
    [TestCase("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"choices\":[]}")]
    [TestCase("{\"object\":\"response\",\"output\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}")]
    public void Empty_garbage_or_foreign_body_is_malformed_json(string body)
    {
        var aggregator = Feed(Json, Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Body_with_invalid_utf8_is_invalid_utf8()
    {
        var aggregator = Feed(Json, [.. "{\"object\":\"response\",\"id\":\""u8, 0xFF, .. "\"}"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Body_past_the_limit_is_body_too_large()
    {
        var aggregator = new ResponsesAggregator(null, maxBodyBytes: 64);
        var body = FixtureFiles.Read("openai-responses/body.json");
        aggregator.Append(body, T0);
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("body_too_large"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(body.Length));
    }
}
