using System.Text;
using System.Text.Json;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Streams.OpenAIChat;

namespace Tap.Tests.Streams.OpenAIChat;

public sealed class ChatCompletionsAggregatorTests
{
    private const string EventStream = "text/event-stream";
    private static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Transcripts = FixtureFiles.OpenAIChatTranscripts;

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

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_split_at_every_byte_boundary_gives_the_same_result(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Snapshot(Feed(EventStream, bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed(EventStream, bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }
    }

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
    public void Non_streamed_body_split_at_every_byte_boundary_gives_the_same_result()
    {
        var bytes = FixtureFiles.Read("openai-chat/body.json");
        var expected = Snapshot(Feed("application/json", bytes));

        for (var split = 0; split <= bytes.Length; split++)
        {
            Assert.That(Snapshot(Feed("application/json", bytes[..split], bytes[split..])), Is.EqualTo(expected), $"split at byte {split}");
        }
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

    private static string Chunk(string choices, string? usage = null) =>
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764061200,\"model\":\"gpt-4o\",\"choices\":"
        + choices + (usage is null ? "" : ",\"usage\":" + usage) + "}\n\n";

    private static ChatCompletionsAggregator FeedEvents(params string[] chunks) =>
        Feed(EventStream, chunks.Select(Encoding.UTF8.GetBytes).ToArray());

    private static ChatCompletionsAggregator Feed(string contentType, params byte[][] chunks)
    {
        var aggregator = new ChatCompletionsAggregator(contentType);
        foreach (var chunk in chunks)
        {
            aggregator.Append(chunk, T0);
        }

        aggregator.CompleteUpstream(T0);
        return aggregator;
    }

    /// <summary>Feeds one line per chunk, the n-th at <see cref="T0"/> plus n seconds.</summary>
    private static ChatCompletionsAggregator FeedLineByLine(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var aggregator = new ChatCompletionsAggregator(EventStream);
        var (start, line) = (0, 0);
        while (start < bytes.Length)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            end = end < 0 ? bytes.Length : end + 1;
            aggregator.Append(bytes.AsSpan(start, end - start), T0.AddSeconds(line++));
            start = end;
        }

        aggregator.CompleteUpstream(T0.AddSeconds(line));
        return aggregator;
    }

    private static List<JsonElement> Choices(ChatCompletionsAggregator aggregator)
    {
        using var document = JsonDocument.Parse(aggregator.BuildResponse(int.MaxValue, out _));
        return document.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    private static string Snapshot(ChatCompletionsAggregator a) =>
        $"{a.BuildResponse(int.MaxValue, out var truncated)} truncated={truncated} terminal={a.Terminal} fault={a.Fault} "
        + $"usage={a.FinalUsage} complete={a.AnswerComplete} class={a.FinishClass} reason={a.FinishReason} "
        + $"first={a.FirstTokenAt} events={a.EventCount} bytes={a.ByteCount}";
}
