using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.OpenAIChat;

namespace Tap.Tests.Streams.OpenAIChat;

/// <summary>Feeds a Chat Completions aggregator and reads back what it aggregated.</summary>
internal static class ChatHarness
{
    public const string EventStream = "text/event-stream";
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    public static string Chunk(string choices, string? usage = null) =>
        "data: {\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1764061200,\"model\":\"gpt-4o\",\"choices\":"
        + choices + (usage is null ? "" : ",\"usage\":" + usage) + "}\n\n";

    public static ChatCompletionsAggregator FeedEvents(params string[] chunks) =>
        Feed(EventStream, chunks.Select(Encoding.UTF8.GetBytes).ToArray());

    public static ChatCompletionsAggregator Feed(string contentType, params byte[][] chunks)
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
    public static ChatCompletionsAggregator FeedLineByLine(string fixture)
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

    public static List<JsonElement> Choices(ChatCompletionsAggregator aggregator)
    {
        using var document = JsonDocument.Parse(aggregator.BuildResponse(int.MaxValue, out _));
        return document.RootElement.GetProperty("choices").EnumerateArray().Select(c => c.Clone()).ToList();
    }

    public static string Snapshot(ChatCompletionsAggregator a) =>
        $"{a.BuildResponse(int.MaxValue, out var truncated)} truncated={truncated} terminal={a.Terminal} fault={a.Fault} "
        + $"usage={a.FinalUsage} complete={a.AnswerComplete} class={a.FinishClass} reason={a.FinishReason} "
        + $"first={a.FirstTokenAt} events={a.EventCount} bytes={a.ByteCount}";
}
