using System.Text;
using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

public sealed class ResponsesAggregatorTests
{
    [Test]
    public void Text_transcript_gives_the_message_final_usage_and_the_completed_terminal()
    {
        var aggregator = FeedLineByLine("openai-responses/text.sse");
        var message = Output(aggregator).Single();

        Assert.That(message.GetProperty("type").GetString(), Is.EqualTo("message"));
        Assert.That(message.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(message.GetProperty("status").GetString(), Is.EqualTo("completed"));
        Assert.That(Text(message), Is.EqualTo("Bonjour ! Voici un café ☕ et un salut 👋.\nÀ bientôt."));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 24, Output = 17, Total = 41, CachedInput = 0, Reasoning = 0 }));
        Assert.That(aggregator.ProvisionalUsage, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response.completed"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.Terminal?.Detail, Is.Null);
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("completed", "stop")));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gpt-4.1-2025-04-14"));
        Assert.That(aggregator.EventCount, Is.EqualTo(14));
        // Created, in_progress, output_item.added and content_part.added carry no text; the first delta is the 5th event,
        // dispatched at the blank line that ends it.
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(14)));
    }

    [Test]
    public void Function_call_items_aggregate_by_output_index_and_normalize_to_tool_calls()
    {
        var aggregator = FeedLineByLine("openai-responses/tool-calls.sse");
        var calls = Output(aggregator);

        Assert.That(calls.Select(c => c.GetProperty("type").GetString()), Is.All.EqualTo("function_call"));
        Assert.That(calls.Select(c => c.GetProperty("call_id").GetString()), Is.EqualTo(new[] { "call_9sKdXq2mRfTz1vLpW3aNbYcE", "call_Hq7uTn4cVbJ0eR8sYw2kLmPd" }));
        Assert.That(calls.Select(c => c.GetProperty("name").GetString()), Is.All.EqualTo("get_weather"));
        Assert.That(calls.Select(c => c.GetProperty("arguments").GetString()), Is.EqualTo(new[] { """{"location":"Paris, France"}""", """{"location":"Tōkyō, Japan"}""" }));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("completed", "tool_calls")));
        Assert.That(aggregator.FinalUsage?.CachedInput, Is.EqualTo(64));
        Assert.That(aggregator.GeneratedText(), Is.EqualTo("""get_weather{"location":"Paris, France"}get_weather{"location":"Tōkyō, Japan"}"""));
        // The first output_item.added names the function: that is the model's first output.
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(DispatchOf("openai-responses/tool-calls.sse", "\"type\":\"response.output_item.added\"")));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Reasoning_summary_is_kept_apart_from_the_message_and_counts_as_first_token()
    {
        var aggregator = FeedLineByLine("openai-responses/reasoning.sse");
        var output = Output(aggregator);

        Assert.That(output.Select(i => i.GetProperty("type").GetString()), Is.EqualTo(new[] { "reasoning", "message" }));
        Assert.That(output[0].GetProperty("summary").EnumerateArray().Single().GetProperty("text").GetString(),
            Is.EqualTo("**Comparing decimals**\n\n9.9 is 9.90, which is larger than 9.11."));
        Assert.That(Text(output[1]), Is.EqualTo("9.9 is larger."));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 15, Output = 148, Total = 163, CachedInput = 0, Reasoning = 128 }));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("o4-mini-2025-04-16"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(DispatchOf("openai-responses/reasoning.sse", "\"type\":\"response.reasoning_summary_text.delta\"")));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo("stop"));
        Assert.That(aggregator.GeneratedText(), Does.StartWith("**Comparing decimals**").And.EndWith("9.11.9.9 is larger."));
    }

    [Test]
    public void Refusal_deltas_are_aggregated_as_a_refusal_part()
    {
        var aggregator = FeedLineByLine("openai-responses/refusal.sse");
        var part = Output(aggregator).Single().GetProperty("content").EnumerateArray().Single();

        Assert.That(part.GetProperty("type").GetString(), Is.EqualTo("refusal"));
        Assert.That(part.GetProperty("refusal").GetString(), Is.EqualTo("I'm sorry, I can't assist with that request."));
        Assert.That(part.TryGetProperty("text", out _), Is.False);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(DispatchOf("openai-responses/refusal.sse", "\"type\":\"response.refusal.delta\"")));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("completed", "stop")));
    }

    [Test]
    public void Response_incomplete_for_max_output_tokens_is_an_incomplete_terminal_normalized_to_length()
    {
        var aggregator = FeedLineByLine("openai-responses/max-output-tokens.sse");

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response.incomplete"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinishClass, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("incomplete:max_output_tokens", "length")));
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(16));
        Assert.That(Output(aggregator).Single().GetProperty("status").GetString(), Is.EqualTo("incomplete"));
        Assert.That(Response(aggregator).GetProperty("incomplete_details").GetProperty("reason").GetString(), Is.EqualTo("max_output_tokens"));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Response_failed_is_a_failed_terminal_with_the_error_message_as_detail()
    {
        var aggregator = FeedLineByLine("openai-responses/failed.sse");

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response.failed"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Detail, Does.StartWith("An error occurred while processing your request."));
        Assert.That((aggregator.FinishReason, aggregator.NormalizedFinishReason), Is.EqualTo(("failed", "error")));
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Once upon a"));
        Assert.That(Response(aggregator).GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("server_error"));
    }

    [Test]
    public void Error_event_as_OpenAI_sends_it_is_a_failed_terminal_with_its_message()
    {
        var aggregator = FeedLineByLine("openai-responses/error-event.sse");

        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("error"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo("The server had an error while processing your request. Sorry about that!"));
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.FinishReason, Is.Null);
        Assert.That(aggregator.NormalizedFinishReason, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Once upon"));
    }

    [Test]
    public void Usage_in_created_and_in_progress_snapshots_is_provisional_only()
    {
        const string Fixture = "openai-responses/created-in-progress-usage.sse";
        var cut = FeedLineByLine(Fixture, stopAtLine: LineOf(Fixture, "event: response.completed"));

        Assert.That(cut.FinalUsage, Is.Null);
        Assert.That(cut.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 24, Output = 1, Total = 25, CachedInput = 0, Reasoning = 0 }));
        Assert.That(cut.Terminal, Is.Null);
        Assert.That(cut.FinishReason, Is.Null);
        Assert.That(cut.AnswerComplete, Is.True, "every item is done, yet without a terminal event nothing final proves the usage");

        var whole = FeedLineByLine(Fixture);

        Assert.That(whole.FinalUsage, Is.EqualTo(new TokenUsage { Input = 24, Output = 9, Total = 33, CachedInput = 0, Reasoning = 0 }));
        Assert.That(whole.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
    }

    [TestCase("openai-responses/text.sse")]
    [TestCase("openai-responses/tool-calls.sse")]
    [TestCase("openai-responses/reasoning.sse")]
    [TestCase("openai-responses/refusal.sse")]
    [TestCase("openai-responses/max-output-tokens.sse")]
    public void Terminal_snapshot_alone_gives_the_same_response_as_the_whole_stream(string fixture)
    {
        var streamed = Feed(EventStream, FixtureFiles.Read(fixture));
        var events = Encoding.UTF8.GetString(FixtureFiles.Read(fixture)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        // A server that sends no deltas, only the terminal snapshot, still aggregates the whole answer.
        var terminalOnly = FeedEvents(events[^1] + "\n\n");

        Assert.That(terminalOnly.BuildResponse(int.MaxValue, out _), Is.EqualTo(streamed.BuildResponse(int.MaxValue, out _)));
    }
}
