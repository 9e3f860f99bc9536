using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams.Gemini;

namespace Tap.Tests.Streams.Gemini;

/// <summary>Feeds a Gemini aggregator and reads back what it aggregated.</summary>
internal static class GeminiHarness
{
    public const string EventStream = "text/event-stream";
    public const string JsonBody = "application/json";
    public static readonly DateTimeOffset T0 = new(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An alt=sse event holding one GenerateContentResponse, CRLF-terminated as Google's servers send it.</summary>
    public static string Chunk(string candidates, string? usage = null) =>
        "data: {\"candidates\": " + candidates + (usage is null ? "" : ",\"usageMetadata\": " + usage)
        + ",\"modelVersion\": \"gemini-2.5-flash\",\"responseId\": \"r1\"}\r\n\r\n";

    public static GeminiAggregator FeedEvents(params string[] chunks) =>
        Feed(EventStream, chunks.Select(Encoding.UTF8.GetBytes).ToArray());

    public static GeminiAggregator Feed(string contentType, params byte[][] chunks)
    {
        var aggregator = new GeminiAggregator(contentType);
        foreach (var chunk in chunks)
        {
            aggregator.Append(chunk, T0);
        }

        aggregator.CompleteUpstream(T0);
        return aggregator;
    }

    /// <summary>Feeds one line per chunk, the n-th at <see cref="T0"/> plus n seconds; an event dispatches on its blank line.</summary>
    public static GeminiAggregator FeedLineByLine(string fixture, int? stopAfterLines = null)
    {
        var bytes = FixtureFiles.Read(fixture);
        var aggregator = new GeminiAggregator(EventStream);
        var (start, line) = (0, 0);
        while (start < bytes.Length && line != stopAfterLines)
        {
            var end = Array.IndexOf(bytes, (byte)'\n', start);
            end = end < 0 ? bytes.Length : end + 1;
            aggregator.Append(bytes.AsSpan(start, end - start), T0.AddSeconds(line++));
            start = end;
        }

        if (stopAfterLines is null)
        {
            aggregator.CompleteUpstream(T0.AddSeconds(line));
        }

        return aggregator;
    }

    public static JsonElement Response(GeminiAggregator aggregator)
    {
        using var document = JsonDocument.Parse(aggregator.BuildResponse(int.MaxValue, out _));
        return document.RootElement.Clone();
    }

    public static List<JsonElement> Candidates(GeminiAggregator aggregator) =>
        Response(aggregator).TryGetProperty("candidates", out var candidates) ? [.. candidates.EnumerateArray()] : [];

    public static List<JsonElement> Parts(GeminiAggregator aggregator, int candidate = 0) =>
        [.. Candidates(aggregator)[candidate].GetProperty("content").GetProperty("parts").EnumerateArray()];

    /// <summary>The answer text of a candidate: its non-thought text parts, concatenated.</summary>
    public static string Answer(GeminiAggregator aggregator, int candidate = 0) =>
        string.Concat(Parts(aggregator, candidate).Where(p => p.TryGetProperty("text", out _) && !p.TryGetProperty("thought", out _)).Select(p => p.GetProperty("text").GetString()));

    /// <summary>The reasoning of a candidate: its thought parts, concatenated.</summary>
    public static string Thoughts(GeminiAggregator aggregator, int candidate = 0) =>
        string.Concat(Parts(aggregator, candidate).Where(p => p.TryGetProperty("thought", out _)).Select(p => p.GetProperty("text").GetString()));

    public static string Snapshot(GeminiAggregator a) =>
        $"{a.BuildResponse(int.MaxValue, out var truncated)} truncated={truncated} terminal={a.Terminal} fault={a.Fault} "
        + $"usage={a.FinalUsage} provisional={a.ProvisionalUsage} complete={a.AnswerComplete} class={a.FinishClass} "
        + $"reason={a.FinishReason} normalized={a.NormalizedFinishReason} first={a.FirstTokenAt} events={a.EventCount} "
        + $"bytes={a.ByteCount} generated={a.GeneratedText()}";
}
