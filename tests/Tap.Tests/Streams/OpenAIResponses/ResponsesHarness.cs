using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.OpenAIResponses;

namespace Tap.Tests.Streams.OpenAIResponses;

/// <summary>Feeds a Responses aggregator and reads back what it aggregated.</summary>
internal static class ResponsesHarness
{
    public const string EventStream = "text/event-stream";
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static readonly string[] Transcripts =
    [
        "openai-responses/text.sse",
        "openai-responses/tool-calls.sse",
        "openai-responses/reasoning.sse",
        "openai-responses/refusal.sse",
        "openai-responses/max-output-tokens.sse",
        "openai-responses/failed.sse",
        "openai-responses/error-event.sse",
        "openai-responses/created-in-progress-usage.sse",
    ];

    private static int _sequence;

    /// <summary>One event as OpenAI frames it: its type as the event name and in the data, with a sequence number.</summary>
    public static string Event(string type, string fields = "")
    {
        var separator = fields.Length == 0 ? "" : ",";
        var sequence = Interlocked.Increment(ref _sequence);
        return $"event: {type}\ndata: {{\"type\":\"{type}\",\"sequence_number\":{sequence}{separator}{fields}}}\n\n";
    }

    public static string ResponseEvent(string type, string status, string extra = "") =>
        Event(type, $"\"response\":{{\"id\":\"resp_1\",\"object\":\"response\",\"status\":\"{status}\",\"model\":\"gpt-4.1\"{extra}}}");

    public static string TextDelta(string delta, int outputIndex = 0) =>
        Event("response.output_text.delta", $"\"item_id\":\"msg_1\",\"output_index\":{outputIndex},\"content_index\":0,\"delta\":{JsonSerializer.Serialize(delta)}");

    public static string MessageAdded(int outputIndex = 0) =>
        Event("response.output_item.added", $"\"output_index\":{outputIndex},\"item\":{{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"in_progress\",\"content\":[],\"role\":\"assistant\"}}");

    public static string MessageDone(string text, int outputIndex = 0) =>
        Event("response.output_item.done", $"\"output_index\":{outputIndex},\"item\":{{\"id\":\"msg_1\",\"type\":\"message\",\"status\":\"completed\",\"content\":[{{\"type\":\"output_text\",\"text\":{JsonSerializer.Serialize(text)}}}],\"role\":\"assistant\"}}");

    public static ResponsesAggregator FeedEvents(params string[] events) =>
        Feed(EventStream, events.Select(Encoding.UTF8.GetBytes).ToArray());

    public static ResponsesAggregator Feed(string? contentType, params byte[][] chunks)
    {
        var aggregator = new ResponsesAggregator(contentType);
        foreach (var chunk in chunks)
        {
            aggregator.Append(chunk, T0);
        }

        aggregator.CompleteUpstream(T0);
        return aggregator;
    }

    /// <summary>Feeds one line per chunk, the n-th at <see cref="T0"/> plus n seconds.</summary>
    public static ResponsesAggregator FeedLineByLine(string fixture, int? stopAtLine = null)
    {
        var bytes = FixtureFiles.Read(fixture);
        var aggregator = new ResponsesAggregator(EventStream);
        var (start, line) = (0, 0);
        while (start < bytes.Length && line != stopAtLine)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            end = end < 0 ? bytes.Length : end + 1;
            aggregator.Append(bytes.AsSpan(start, end - start), T0.AddSeconds(line++));
            start = end;
        }

        aggregator.CompleteUpstream(T0.AddSeconds(line));
        return aggregator;
    }

    /// <summary>The line (0-based) of a fixture on which <paramref name="text"/> first appears.</summary>
    public static int LineOf(string fixture, string text) =>
        Encoding.UTF8.GetString(FixtureFiles.Read(fixture)).Split('\n').ToList().FindIndex(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>
    /// When <see cref="FeedLineByLine"/> dispatches the event whose data holds <paramref name="text"/>: at the blank line
    /// after its data line.
    /// </summary>
    public static DateTimeOffset DispatchOf(string fixture, string text) => T0.AddSeconds(LineOf(fixture, text) + 1);

    public static JsonElement Response(ResponsesAggregator aggregator)
    {
        using var document = JsonDocument.Parse(aggregator.BuildResponse(int.MaxValue, out _));
        return document.RootElement.Clone();
    }

    public static List<JsonElement> Output(ResponsesAggregator aggregator) =>
        [.. Response(aggregator).GetProperty("output").EnumerateArray()];

    /// <summary>The text of the message item's content parts, in order.</summary>
    public static string Text(JsonElement item) =>
        string.Concat(item.GetProperty("content").EnumerateArray().Select(p => p.TryGetProperty("text", out var t) ? t.GetString() : ""));

    public static string Snapshot(ResponsesAggregator a) =>
        $"{a.BuildResponse(int.MaxValue, out var truncated)} truncated={truncated} terminal={a.Terminal} fault={a.Fault} "
        + $"usage={a.FinalUsage} provisional={a.ProvisionalUsage} complete={a.AnswerComplete} class={a.FinishClass} "
        + $"reason={a.FinishReason}/{a.NormalizedFinishReason} first={a.FirstTokenAt} events={a.EventCount} bytes={a.ByteCount} "
        + $"text={a.GeneratedText()}";
}
