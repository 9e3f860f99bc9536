using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

public sealed class ResponsesAggregatorStreamRulesTests
{
    private const string Usage = ",\"usage\":{\"input_tokens\":7,\"input_tokens_details\":{\"cached_tokens\":0},\"output_tokens\":0,\"output_tokens_details\":{\"reasoning_tokens\":0},\"total_tokens\":7}";

    [Test]
    public void Usage_in_an_in_progress_snapshot_is_provisional_even_when_every_item_is_done()
    {
        var aggregator = FeedEvents(ResponseEvent("response.in_progress", "in_progress", Usage), MessageAdded(), TextDelta("Hi"), MessageDone("Hi"));

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage, Is.EqualTo(new TokenUsage { Input = 7, Output = 0, Total = 7, CachedInput = 0, Reasoning = 0 }));
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(Response(aggregator).TryGetProperty("usage", out _), Is.False);
    }

    [Test]
    public void Terminal_snapshot_without_usage_leaves_the_provisional_usage_and_no_final_usage()
    {
        var aggregator = FeedEvents(ResponseEvent("response.created", "in_progress", Usage), ResponseEvent("response.completed", "completed", ",\"usage\":null"));

        Assert.That(aggregator.FinalUsage, Is.Null);
        Assert.That(aggregator.ProvisionalUsage?.Input, Is.EqualTo(7));
    }

    [Test]
    public void Queued_snapshot_of_a_background_response_is_not_a_terminal_event()
    {
        var aggregator = FeedEvents(ResponseEvent("response.queued", "queued"));

        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.FinishReason, Is.Null);
        Assert.That(Response(aggregator).GetProperty("status").GetString(), Is.EqualTo("queued"));
    }

    [Test]
    public void An_item_without_its_output_item_done_leaves_the_answer_incomplete()
    {
        var open = FeedEvents(MessageAdded(), TextDelta("Hi"));
        var done = FeedEvents(MessageAdded(), TextDelta("Hi"), MessageDone("Hi"));
        var secondOpen = FeedEvents(MessageAdded(), MessageDone("Hi"), MessageAdded(1));

        Assert.That((open.AnswerComplete, done.AnswerComplete, secondOpen.AnswerComplete), Is.EqualTo((false, true, false)));
    }

    [Test]
    public void No_item_at_all_is_not_a_complete_answer()
    {
        var aggregator = FeedEvents(ResponseEvent("response.created", "in_progress"), ResponseEvent("response.in_progress", "in_progress"));

        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.That(aggregator.FirstTokenAt, Is.Null);
    }

    [Test]
    public void Message_added_and_empty_content_part_are_not_a_first_token()
    {
        var aggregator = FeedEvents(
            MessageAdded(),
            Event("response.content_part.added", "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"annotations\":[],\"text\":\"\"}"),
            TextDelta(""));

        Assert.That(aggregator.FirstTokenAt, Is.Null);
    }

    [Test]
    public void Done_events_repeat_the_text_without_doubling_it()
    {
        var aggregator = FeedEvents(
            MessageAdded(),
            TextDelta("Hello"),
            TextDelta(" there"),
            Event("response.output_text.done", "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Hello there\""),
            Event("response.content_part.done", "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"part\":{\"type\":\"output_text\",\"text\":\"Hello there\"}"),
            MessageDone("Hello there"),
            ResponseEvent("response.completed", "completed", ",\"output\":[{\"id\":\"msg_1\",\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello there\"}]}]"));

        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Hello there"));
        Assert.That(aggregator.GeneratedText(), Is.EqualTo("Hello there"));
    }

    [Test]
    public void Done_event_gives_the_text_when_no_delta_did()
    {
        var aggregator = FeedEvents(
            MessageAdded(),
            Event("response.output_text.done", "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Whole\""));

        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Whole"));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0));
    }

    [Test]
    public void Data_only_events_without_indices_from_a_lenient_server_aggregate_into_one_message()
    {
        var aggregator = FeedEvents(
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"ok\"}\n\n",
            "data: {\"type\":\"response.output_text.delta\",\"delta\":\"!\"}\n\n",
            "data: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\n");

        Assert.That(Output(aggregator).Single().GetProperty("type").GetString(), Is.EqualTo("message"));
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("ok!"));
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
    }

    [Test]
    public void Data_without_a_type_is_named_by_its_event_line()
    {
        var aggregator = FeedEvents("event: response.output_text.delta\ndata: {\"output_index\":0,\"content_index\":0,\"delta\":\"typed by the event line\"}\n\n");

        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("typed by the event line"));
    }

    [Test]
    public void DONE_sentinel_copied_from_Chat_Completions_is_neither_a_fault_nor_a_terminal()
    {
        var aggregator = FeedEvents(MessageAdded(), TextDelta("a"), "data: [DONE]\n\n");

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Unknown_and_built_in_tool_events_are_counted_and_ignored()
    {
        var aggregator = FeedEvents(
            Event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"in_progress\"}"),
            Event("response.web_search_call.searching", "\"output_index\":0,\"item_id\":\"ws_1\""),
            Event("response.output_item.done", "\"output_index\":0,\"item\":{\"id\":\"ws_1\",\"type\":\"web_search_call\",\"status\":\"completed\"}"),
            Event("response.something_new", "\"output_index\":0"));

        Assert.That(aggregator.EventCount, Is.EqualTo(4));
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.FirstTokenAt, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.True);
        Assert.That(Output(aggregator).Single().GetRawText(), Is.EqualTo("""{"id":"ws_1","type":"web_search_call","status":"completed"}"""));
    }

    [Test]
    public void Custom_tool_call_input_is_aggregated_and_normalizes_to_tool_calls()
    {
        var aggregator = FeedEvents(
            Event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"ctc_1\",\"type\":\"custom_tool_call\",\"status\":\"in_progress\",\"call_id\":\"call_1\",\"name\":\"run_sql\",\"input\":\"\"}"),
            Event("response.custom_tool_call_input.delta", "\"item_id\":\"ctc_1\",\"output_index\":0,\"delta\":\"SELECT \""),
            Event("response.custom_tool_call_input.delta", "\"item_id\":\"ctc_1\",\"output_index\":0,\"delta\":\"1\""),
            ResponseEvent("response.completed", "completed"));
        var call = Output(aggregator).Single();

        Assert.That(call.GetProperty("input").GetString(), Is.EqualTo("SELECT 1"));
        Assert.That(call.TryGetProperty("arguments", out _), Is.False);
        Assert.That(aggregator.NormalizedFinishReason, Is.EqualTo("tool_calls"));
    }

    [Test]
    public void Reasoning_text_deltas_are_kept_as_reasoning_content()
    {
        var aggregator = FeedEvents(
            Event("response.output_item.added", "\"output_index\":0,\"item\":{\"id\":\"rs_1\",\"type\":\"reasoning\",\"summary\":[],\"content\":[]}"),
            Event("response.reasoning_text.delta", "\"item_id\":\"rs_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"Think\""),
            Event("response.reasoning_text.delta", "\"item_id\":\"rs_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"ing.\""),
            Event("response.reasoning_text.done", "\"item_id\":\"rs_1\",\"output_index\":0,\"content_index\":0,\"text\":\"Thinking.\""));
        var part = Output(aggregator).Single().GetProperty("content").EnumerateArray().Single();

        Assert.That((part.GetProperty("type").GetString(), part.GetProperty("text").GetString()), Is.EqualTo(("reasoning_text", "Thinking.")));
        Assert.That(aggregator.FirstTokenAt, Is.EqualTo(T0));
    }

    [Test]
    public void Truncated_json_in_an_event_is_malformed_json()
    {
        var aggregator = FeedEvents("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"del\n\n", ResponseEvent("response.completed", "completed"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Nesting_bomb_is_malformed_json_not_an_exception()
    {
        var bomb = "{\"type\":\"response.output_text.delta\",\"delta\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var aggregator = FeedEvents($"data: {bomb}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Invalid_utf8_in_an_event_is_invalid_utf8()
    {
        var aggregator = Feed(EventStream, [.. "data: {\"type\":\"response.output_text.delta\",\"delta\":\""u8, 0xC3, 0x28, .. "\"}\n\n"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Comments_and_CRLF_line_ends_do_not_disturb_aggregation()
    {
        var aggregator = FeedEvents(
            ": keep-alive\r\n\r\n",
            (MessageAdded() + TextDelta("Still") + ": ping\n" + TextDelta(" here.") + MessageDone("Still here.")).Replace("\n", "\r\n", StringComparison.Ordinal),
            ResponseEvent("response.completed", "completed").Replace("\n", "\r\n", StringComparison.Ordinal));

        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Still here."));
        Assert.That(aggregator.EventCount, Is.EqualTo(5));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response.completed"));
    }

    [Test]
    public void Sse_parser_fault_propagates_with_its_code()
    {
        var aggregator = FeedEvents("data: " + new string('x', 1024 * 1024) + "\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
    }

    [Test]
    public void Events_and_malformed_bytes_after_the_terminal_event_are_ignored()
    {
        var aggregator = Feed(
            EventStream,
            System.Text.Encoding.UTF8.GetBytes(MessageAdded() + TextDelta("a") + ResponseEvent("response.completed", "completed") + TextDelta("b")),
            [.. "data: "u8, 0xC3, 0x28, (byte)'\n', (byte)'\n']);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("a"));
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("response.completed"));
    }
}
