using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorTests
{
    [Test]
    public void Factory_gives_this_aggregator_for_anthropic_messages()
    {
        Assert.That(AggregatorFactory.Create("anthropic-messages", EventStream).Format, Is.EqualTo("anthropic-messages"));
    }

    [Test]
    public void Text_transcript_gives_text_final_usage_and_message_stop_terminal()
    {
        var aggregator = FeedLineByLine("anthropic-messages/text.sse");
        var message = Message(aggregator);

        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("Bonjour ! Voilà un café ☕ et un salut 👋.\nÀ bientôt."));
        Assert.That(message.GetProperty("id").GetString(), Is.EqualTo("msg_01XFDUDYJgAACzvnptvVoYEL"));
        Assert.That(message.GetProperty("role").GetString(), Is.EqualTo("assistant"));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 25, Output = 18, Total = 43, CachedInput = 0, CacheWrite = 0, CacheWrite1h = 0 }));
        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "message_stop", T0.AddSeconds(26))));
        Assert.That(aggregator.FinishReason, Is.EqualTo("end_turn"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Stop));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.ResponseModel, Is.EqualTo("claude-sonnet-4-5-20250929"));
        Assert.That(aggregator.EventCount, Is.EqualTo(9));
        // message_start, content_block_start and ping come first; the first text_delta is dispatched at line 11.
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(11)));
    }

    [Test]
    public void Tool_use_input_json_deltas_concatenate_per_block_into_two_tool_calls()
    {
        var aggregator = FeedLineByLine("anthropic-messages/tool-calls.sse");
        var content = Content(aggregator);
        var tools = content.Where(b => b.GetProperty("type").GetString() == "tool_use").ToList();

        Assert.That(content[0].GetProperty("text").GetString(), Is.EqualTo("I'll check the weather in both cities."));
        Assert.That(tools.Select(t => t.GetProperty("id").GetString()), Is.EqualTo(new[] { "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "toolu_01HvG2yBLQmYvV8zsQkGfD4k" }));
        Assert.That(tools.Select(t => t.GetProperty("name").GetString()), Is.All.EqualTo("get_weather"));
        Assert.That(tools.Select(t => t.GetProperty("input").GetRawText()), Is.EqualTo(new[] { """{"location":"Paris, France","unit":"celsius"}""", """{"location":"Tōkyō, Japan"}""" }));
        Assert.That(aggregator.FinishReason, Is.EqualTo("tool_use"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.ToolCalls));
        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 1496, Output = 131, Total = 1627, CachedInput = 1024, CacheWrite = 0, CacheWrite1h = 0 }));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.GeneratedText(), Does.Contain("get_weather{\"location\": \"Tōkyō, Japan\"}"));
    }

    [Test]
    public void Thinking_keeps_its_signature_and_comes_before_the_text()
    {
        var aggregator = FeedLineByLine("anthropic-messages/reasoning.sse");
        var content = Content(aggregator);

        Assert.That(content.Select(b => b.GetProperty("type").GetString()), Is.EqualTo(new[] { "thinking", "text" }));
        Assert.That(content[0].GetProperty("thinking").GetString(), Is.EqualTo("The user asks which is larger: 9.11 or 9.9. 9.9 = 9.90 > 9.11."));
        Assert.That(content[0].GetProperty("signature").GetString(), Does.StartWith("EqQBCgIYAhIM"));
        Assert.That(content[1].GetProperty("text").GetString(), Is.EqualTo("9.9 is larger than 9.11."));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(8)), "the first thinking_delta is the first token");
        Assert.That(aggregator.GeneratedText(), Is.EqualTo("The user asks which is larger: 9.11 or 9.9. 9.9 = 9.90 > 9.11.9.9 is larger than 9.11."));
    }

    [Test]
    public void Final_usage_takes_message_delta_counts_and_thinking_tokens_where_the_API_sends_them()
    {
        var aggregator = FeedLineByLine("anthropic-messages/reasoning.sse");

        Assert.That(aggregator.FinalUsage, Is.EqualTo(new TokenUsage { Input = 44, Output = 96, Total = 140, CachedInput = 0, CacheWrite = 0, CacheWrite1h = 0, Reasoning = 71 }));
    }

    [Test]
    public void Ping_events_and_CRLF_line_ends_do_not_disturb_aggregation()
    {
        var aggregator = FeedLineByLine("anthropic-messages/keepalive.sse");

        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("Still here."));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("message_stop"));
        Assert.That(aggregator.EventCount, Is.EqualTo(12));
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(5));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0.AddSeconds(17)), "ping events are not tokens");
    }

    [TestCase("anthropic-messages/error-mid-stream.sse", "Internal server error", "Once upon a time")]
    [TestCase("anthropic-messages/overloaded-mid-stream.sse", "Overloaded", "Here is the first part of the list:\n1.")]
    public void Error_event_mid_stream_is_a_failed_terminal_with_the_providers_message(string fixture, string message, string text)
    {
        var aggregator = FeedLineByLine(fixture);

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("error"));
        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo(message));
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo(text));
    }

    [Test]
    public void Error_event_and_garbage_after_message_stop_change_nothing()
    {
        var aggregator = FeedLineByLine("anthropic-messages/error-after-terminal.sse");

        Assert.That(aggregator.Terminal, Is.EqualTo(new TerminalEvent(TerminalClass.Completed, "message_stop", T0.AddSeconds(17))));
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("Done."));
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(3));
        Assert.That(aggregator.ByteCount, Is.EqualTo(FixtureFiles.Read("anthropic-messages/error-after-terminal.sse").Length));
    }

    [Test]
    public void Max_tokens_makes_the_terminal_incomplete()
    {
        var aggregator = FeedLineByLine("anthropic-messages/incomplete.sse");

        Assert.That(aggregator.FinishReason, Is.EqualTo("max_tokens"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Length));
        Assert.That(aggregator.FinishClass, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Incomplete));
        Assert.That(aggregator.FinalUsage?.Output, Is.EqualTo(16));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [Test]
    public void Refusal_is_a_completed_answer_normalized_as_refusal()
    {
        var aggregator = FeedLineByLine("anthropic-messages/refusal.sse");

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.FinishReason, Is.EqualTo("refusal"));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Refusal));
        Assert.That(Content(aggregator).Single().GetProperty("text").GetString(), Is.EqualTo("I can't help with that."));
        Assert.That(aggregator.ResponseModel, Is.EqualTo("claude-opus-4-7"));
    }

    [Test]
    public void Pause_turn_is_completed_and_keeps_server_tool_blocks()
    {
        var aggregator = FeedLineByLine("anthropic-messages/pause-turn.sse");
        var content = Content(aggregator);

        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo(FinishReasons.Pause));
        Assert.That(content.Select(b => b.GetProperty("type").GetString()), Is.EqualTo(new[] { "text", "server_tool_use", "web_search_tool_result" }));
        Assert.That(content[1].GetProperty("input").GetProperty("query").GetString(), Is.EqualTo("tap water ph"));
        Assert.That(content[2].GetProperty("content")[0].GetProperty("url").GetString(), Is.EqualTo("https://example.com/ph"));
        Assert.That(aggregator.AnswerComplete, Is.True);
    }

    [TestCase("anthropic-messages/text.sse", 11)]
    [TestCase("anthropic-messages/tool-calls.sse", 11)]
    [TestCase("anthropic-messages/reasoning.sse", 8)]
    [TestCase("anthropic-messages/keepalive.sse", 17)]
    [TestCase("anthropic-messages/error-mid-stream.sse", 8)]
    [TestCase("anthropic-messages/overloaded-mid-stream.sse", 11)]
    [TestCase("anthropic-messages/error-after-terminal.sse", 8)]
    [TestCase("anthropic-messages/incomplete.sse", 8)]
    [TestCase("anthropic-messages/refusal.sse", 8)]
    [TestCase("anthropic-messages/pause-turn.sse", 8)]
    public void First_token_is_the_first_text_thinking_or_tool_input_delta(string fixture, int line)
    {
        Assert.That(FeedLineByLine(fixture).FirstTokenAt, Is.EqualTo(T0.AddSeconds(line)));
    }
}
