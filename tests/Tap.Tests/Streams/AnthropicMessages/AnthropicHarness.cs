using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.AnthropicMessages;

namespace Tap.Tests.Streams.AnthropicMessages;

/// <summary>Feeds an Anthropic Messages aggregator and reads back what it aggregated.</summary>
internal static class AnthropicHarness
{
    public const string EventStream = "text/event-stream";
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static string Event(string name, string data) => $"event: {name}\ndata: {data}\n\n";

    public static string MessageStart(string usage = """{"input_tokens":10,"output_tokens":1}""") =>
        Event("message_start", """{"type":"message_start","message":{"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[],"stop_reason":null,"stop_sequence":null,"usage":""" + usage + "}}");

    public static string TextStart(int index = 0) =>
        Event("content_block_start", $$$"""{"type":"content_block_start","index":{{{index}}},"content_block":{"type":"text","text":""}}""");

    public static string TextDelta(string text, int index = 0) =>
        Event("content_block_delta", $$$"""{"type":"content_block_delta","index":{{{index}}},"delta":{"type":"text_delta","text":{{{JsonSerializer.Serialize(text)}}}}}""");

    public static string BlockStop(int index = 0) => Event("content_block_stop", $$"""{"type":"content_block_stop","index":{{index}}}""");

    public static string MessageDelta(string stopReason = "end_turn", string usage = """{"output_tokens":7}""") =>
        Event("message_delta", $$"""{"type":"message_delta","delta":{"stop_reason":"{{stopReason}}","stop_sequence":null},"usage":{{usage}}}""");

    public static string MessageStop() => Event("message_stop", """{"type":"message_stop"}""");

    public static AnthropicMessagesAggregator FeedEvents(params string[] events) =>
        Feed(EventStream, events.Select(Encoding.UTF8.GetBytes).ToArray());

    public static AnthropicMessagesAggregator Feed(string contentType, params byte[][] chunks)
    {
        var aggregator = new AnthropicMessagesAggregator(contentType);
        foreach (var chunk in chunks)
        {
            aggregator.Append(chunk, T0);
        }

        aggregator.CompleteUpstream(T0);
        return aggregator;
    }

    /// <summary>Feeds one line per chunk, the n-th at <see cref="T0"/> plus n seconds.</summary>
    public static AnthropicMessagesAggregator FeedLineByLine(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var aggregator = new AnthropicMessagesAggregator(EventStream);
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

    /// <summary>The aggregated message as its non-streamed JSON shape.</summary>
    public static JsonElement Message(AnthropicMessagesAggregator aggregator)
    {
        using var document = JsonDocument.Parse(aggregator.BuildResponse(int.MaxValue, out _));
        return document.RootElement.Clone();
    }

    public static List<JsonElement> Content(AnthropicMessagesAggregator aggregator) =>
        Message(aggregator).GetProperty("content").EnumerateArray().ToList();

    public static string Snapshot(AnthropicMessagesAggregator a) =>
        $"{a.BuildResponse(int.MaxValue, out var truncated)} truncated={truncated} terminal={a.Terminal} fault={a.Fault} "
        + $"usage={a.FinalUsage} provisional={a.ProvisionalUsage} complete={a.AnswerComplete} class={a.FinishClass} "
        + $"reason={a.FinishReason} normalized={a.NormalizedFinishReason} first={a.FirstTokenAt} events={a.EventCount} "
        + $"bytes={a.ByteCount} generated={a.GeneratedText()}";
}
