using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.OpenAIChat.ChatHarness;

namespace Tap.Tests.Streams.OpenAIChat;

public sealed class ChatCompletionsAggregatorTests
{
    [Test]
    public void Text_transcript_gives_content_final_usage_and_DONE_terminal()
    {
        var aggregator = FeedLineByLine("openai-chat/text.sse");
        var choice = Choices(aggregator).Single();

        Assert.That(choice.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(choice.GetProperty("content").GetString(), Is.EqualTo("Bonjour ! Voilà un café ☕ et un salut 👋.\nÀ bientôt."));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 24, Output = 17, Total = 41, CachedInput = 0, Reasoning = 0 }));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinishReason, Is.EqualTo("stop"));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.ResponseModel, Is.EqualTo("gpt-4o-2024-08-06"));
        Assert.That(aggregator.EventCount, Is.EqualTo(12));
        // The role-only first chunk is dispatched at line 1; the first content chunk at line 3.
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(3)));
    }

    [Test]
    public void Tool_call_deltas_merge_by_index_into_two_parallel_calls()
    {
        var aggregator = FeedLineByLine("openai-chat/tool-calls.sse");
        var choice = Choices(aggregator).Single();
        var calls = choice.GetProperty("tool_calls").EnumerateArray().ToList();

        Assert.That(calls.Select(c => c.GetProperty("id").GetString()), Is.EqualTo(new[] { "call_9sKdXq2mRfTz1vLpW3aNbYcE", "call_Hq7uTn4cVbJ0eR8sYw2kLmPd" }));
        Assert.That(calls.Select(c => c.GetProperty("type").GetString()), Is.All.EqualTo("function"));
        Assert.That(calls.Select(c => c.GetProperty("function").GetProperty("name").GetString()), Is.All.EqualTo("get_weather"));
        Assert.That(calls.Select(c => c.GetProperty("function").GetProperty("arguments").GetString()), Is.EqualTo(new[] { """{"location": "Paris, France"}""", """{"location": "Tōkyō, Japan"}""" }));
        Assert.That(choice.TryGetProperty("content", out _), Is.False);
        Assert.That(aggregator.FinishReason, Is.EqualTo("tool_calls"));
        Assert.That(aggregator.FinalUsage?.CachedInput, Is.EqualTo(64));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(1)));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
    }

    [Test]
    public void Reasoning_content_is_kept_apart_from_content()
    {
        var aggregator = FeedLineByLine("openai-chat/reasoning.sse");
        var choice = Choices(aggregator).Single();

        Assert.That(choice.GetProperty("reasoning_content").GetString(), Is.EqualTo("The user asks for 9.11 vs 9.9. 9.9 = 9.90 > 9.11."));
        Assert.That(choice.GetProperty("content").GetString(), Is.EqualTo("9.9 is larger."));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 15, Output = 120, Total = 135, CachedInput = 0, Reasoning = 98 }));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("deepseek-reasoner"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(3)));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Two_choices_merge_by_index_and_report_both_finish_reasons()
    {
        var aggregator = FeedLineByLine("openai-chat/two-choices.sse");
        var choices = Choices(aggregator);

        Assert.That(choices.Select(c => c.GetProperty("content").GetString()), Is.EqualTo(new[] { "Red and green.", "Blue and yellow and" }));
        Assert.That(aggregator.FinishReason, Is.EqualTo("stop,length"));
        Assert.That(aggregator.FinishClass, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Keep_alive_comments_and_CRLF_line_ends_do_not_disturb_aggregation()
    {
        var aggregator = FeedLineByLine("openai-chat/keepalive.sse");

        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("Still here."));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
        Assert.That(aggregator.EventCount, Is.EqualTo(6));
        Assert.That(aggregator.FinalUsage, Is.Null);
    }

    [Test]
    public void Error_object_mid_stream_is_a_provider_error_and_no_terminal()
    {
        var aggregator = FeedLineByLine("openai-chat/error-mid-stream.sse");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Is.EqualTo("The server had an error while processing your request. Sorry about that!"));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("Once upon a"));
    }

    [Test]
    public void Length_finish_reason_makes_the_terminal_incomplete()
    {
        var aggregator = FeedLineByLine("openai-chat/length.sse");

        Assert.That(aggregator.FinishReason, Is.EqualTo("length"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(4));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Refusal_deltas_are_aggregated_and_count_as_first_token()
    {
        var aggregator = FeedLineByLine("openai-chat/refusal.sse");
        var choice = Choices(aggregator).Single();

        Assert.That(choice.GetProperty("refusal").GetString(), Is.EqualTo("I'm sorry, I can't assist with that request."));
        Assert.That(choice.TryGetProperty("content", out _), Is.False);
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(3)));
    }

    [Test]
    public void Stream_without_usage_chunk_has_no_final_usage()
    {
        var aggregator = FeedLineByLine("openai-chat/no-usage.sse");

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(Choices(aggregator).Single().GetProperty("content").GetString(), Is.EqualTo("The answer is 42."));
    }
}
