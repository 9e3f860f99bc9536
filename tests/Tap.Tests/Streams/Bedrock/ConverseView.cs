using System.Text;
using System.Text.Json;
using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams.Bedrock;

/// <summary>
/// What a Converse client gets from a stream: text, tool inputs and reasoning per content block, the stop reason, the
/// usage as sent (inputTokens, outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens) and the latency.
/// Read from the decoded events after the documented shapes
/// (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_ConverseStreamOutput.html), with System.Text.Json
/// alone, or from what Tap's aggregator recorded.
/// </summary>
internal sealed record ConverseView(
    List<string> Text,
    List<string> ToolInputs,
    List<string> Reasoning,
    (long? Input, long? Output, long? Total, long? CacheRead, long? CacheWrite) Usage,
    string? StopReason,
    long? LatencyMs)
{
    public static ConverseView From(IEnumerable<AwsSdkEvent> events)
    {
        var blocks = new SortedDictionary<int, (StringBuilder Text, StringBuilder Tool, StringBuilder Reasoning)>();
        string? stopReason = null;
        JsonElement? usage = null;
        long? latency = null;
        foreach (var sdkEvent in events)
        {
            var data = JsonDocument.Parse(sdkEvent.Payload).RootElement;
            switch (sdkEvent.EventType)
            {
                case "contentBlockDelta":
                    var index = data.GetProperty("contentBlockIndex").GetInt32();
                    if (!blocks.TryGetValue(index, out var block))
                    {
                        blocks[index] = block = (new StringBuilder(), new StringBuilder(), new StringBuilder());
                    }

                    var delta = data.GetProperty("delta");
                    if (delta.TryGetProperty("text", out var text))
                    {
                        block.Text.Append(text.GetString());
                    }
                    else if (delta.TryGetProperty("toolUse", out var toolUse))
                    {
                        block.Tool.Append(toolUse.GetProperty("input").GetString());
                    }
                    else if (delta.TryGetProperty("reasoningContent", out var reasoning) && reasoning.TryGetProperty("text", out var reasoningText))
                    {
                        block.Reasoning.Append(reasoningText.GetString());
                    }

                    break;
                case "messageStop":
                    stopReason = data.GetProperty("stopReason").GetString();
                    break;
                case "metadata":
                    usage = data.GetProperty("usage").Clone();
                    latency = data.GetProperty("metrics").GetProperty("latencyMs").GetInt64();
                    break;
            }
        }

        return new ConverseView(
            [.. blocks.Values.Where(b => b.Text.Length > 0).Select(b => b.Text.ToString())],
            [.. blocks.Values.Where(b => b.Tool.Length > 0).Select(b => Compact(b.Tool.ToString()))],
            [.. blocks.Values.Where(b => b.Reasoning.Length > 0).Select(b => b.Reasoning.ToString())],
            usage is { } u ? (Count(u, "inputTokens"), Count(u, "outputTokens"), Count(u, "totalTokens"), Count(u, "cacheReadInputTokens"), Count(u, "cacheWriteInputTokens")) : default,
            stopReason,
            latency);
    }

    public static ConverseView FromTap(IFormatAggregator aggregator)
    {
        var response = JsonDocument.Parse(aggregator.BuildResponse(1 << 20, out _)).RootElement;
        var content = response.GetProperty("output").GetProperty("message").GetProperty("content").EnumerateArray().ToList();
        var usage = aggregator.FinalUsage;

        // Tap's input counts every input token billed; Converse's inputTokens leaves out the cache reads and writes.
        var inputTokens = usage?.Input - (usage?.CachedInput ?? 0) - (usage?.CacheWrite ?? 0);
        return new ConverseView(
            [.. content.Where(b => b.TryGetProperty("text", out _)).Select(b => b.GetProperty("text").GetString()!).Where(t => t.Length > 0)],
            [.. content.Where(b => b.TryGetProperty("toolUse", out _)).Select(b => Compact(b.GetProperty("toolUse").GetProperty("input").GetRawText()))],
            [.. content.Where(b => b.TryGetProperty("reasoningContent", out _)).Select(b => b.GetProperty("reasoningContent").GetProperty("reasoningText").GetProperty("text").GetString()!)],
            usage is null ? default : (inputTokens, usage.Output, usage.Total, usage.CachedInput, usage.CacheWrite),
            aggregator.FinishReason,
            response.TryGetProperty("metrics", out var metrics) ? metrics.GetProperty("latencyMs").GetInt64() : null);
    }

    private static long? Count(JsonElement usage, string name) => usage.TryGetProperty(name, out var count) ? count.GetInt64() : null;

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);
}
