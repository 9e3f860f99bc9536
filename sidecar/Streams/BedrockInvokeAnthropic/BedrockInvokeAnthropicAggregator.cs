using Tap.Sidecar.Streams.AnthropicMessages;
using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Sidecar.Streams.Json;
using Tap.Sidecar.Streams.Sse;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.BedrockInvokeAnthropic;

/// <summary>
/// Aggregates Bedrock's InvokeModelWithResponseStream for Anthropic models: each <c>chunk</c> event's <c>bytes</c>
/// (base64) holds one Anthropic Messages event, decided by the Anthropic rules (docs/outcomes.md); the non-streamed
/// InvokeModel body is an Anthropic message. Bedrock adds <c>amazon-bedrock-invocationMetrics</c> to the last event, the
/// counts it bills, which win over Anthropic's where present
/// (https://docs.aws.amazon.com/bedrock/latest/userguide/model-parameters-anthropic-claude-messages.html).
/// </summary>
internal sealed class BedrockInvokeAnthropicAggregator : AnthropicMessagesAggregator
{
    public new const string FormatName = "bedrock-invoke-anthropic";

    private TokenUsage? _invocationMetrics;

    public BedrockInvokeAnthropicAggregator(string? contentType, int maxBodyBytes = DefaultMaxBodyBytes, int maxTextChars = TextBudget.DefaultMaxChars)
        : base(FormatName, AwsEventFramer.For(contentType), maxBodyBytes, maxTextChars)
    {
    }

    /// <summary>
    /// Bedrock's metrics carry no 1-hour split of the cache writes: Anthropic's split is kept when it splits the same
    /// write count, else every write is priced as a 5-minute one.
    /// </summary>
    public override TokenUsage? FinalUsage => _invocationMetrics is { } metrics
        ? metrics with
        {
            Reasoning = base.FinalUsage?.Reasoning,
            CacheWrite1h = base.FinalUsage is { CacheWrite: var writes, CacheWrite1h: var writes1h } && writes == metrics.CacheWrite ? writes1h : null,
        }
        : base.FinalUsage;

    protected override void OnEvent(SseEvent sseEvent)
    {
        if (AwsStreamError.TryRead(sseEvent, out var name, out var message))
        {
            Terminal = new TerminalEvent(TerminalClass.Failed, name, Now, message);
            return;
        }

        if (sseEvent.EventType != "chunk")
        {
            return;
        }

        byte[] anthropicEvent;
        using (var document = ParseObject(sseEvent.Utf8Data, ProviderJson.EventData))
        {
            if (document is null)
            {
                return;
            }

            if (String(document.RootElement, "bytes") is not { } base64 || !TryDecode(base64, out anthropicEvent))
            {
                Fail("malformed_json", "A chunk event's bytes are not base64.", Now);
                return;
            }
        }

        base.OnEvent(new SseEvent("message", anthropicEvent, null));
        if (anthropicEvent.AsSpan().IndexOf("amazon-bedrock-invocationMetrics"u8) >= 0)
        {
            ReadInvocationMetrics(anthropicEvent);
        }
    }

    private void ReadInvocationMetrics(byte[] anthropicEvent)
    {
        using var document = ProviderJson.TryParseObject(anthropicEvent, ProviderJson.EventData, Now, out _);
        if (document is not null && TryGetObject(document.RootElement, "amazon-bedrock-invocationMetrics", out var metrics))
        {
            var cacheRead = Int64(metrics, "cacheReadInputTokenCount");
            var cacheWrite = Int64(metrics, "cacheWriteInputTokenCount");
            var input = Int64(metrics, "inputTokenCount") is { } uncached ? uncached + (cacheRead ?? 0) + (cacheWrite ?? 0) : (long?)null;
            var output = Int64(metrics, "outputTokenCount");
            _invocationMetrics = input is null && output is null ? null : new TokenUsage
            {
                Input = input,
                Output = output,
                Total = input + output,
                CachedInput = cacheRead,
                CacheWrite = cacheWrite,
            };
        }
    }

    private static bool TryDecode(string base64, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromBase64String(base64);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
