using System.Text.Json;
using static Tap.Sidecar.Streams.Json.JsonMembers;

namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>
/// Anthropic's usage counts as sent (https://platform.claude.com/docs/en/api/messages, "usage"); null where a
/// message did not carry a count.
/// </summary>
internal sealed record AnthropicUsage
{
    /// <summary>Input tokens after the last cache breakpoint: neither read from nor written to the cache.</summary>
    public long? InputTokens { get; init; }

    public long? CacheCreationInputTokens { get; init; }

    /// <summary>
    /// <c>cache_creation.ephemeral_1h_input_tokens</c>: of <see cref="CacheCreationInputTokens"/>, the writes with a 1-hour
    /// lifetime, billed at 2x the input price where 5-minute writes are billed at 1.25x
    /// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching, "1-hour cache duration").
    /// </summary>
    public long? CacheCreation1hInputTokens { get; init; }

    public long? CacheReadInputTokens { get; init; }

    public long? OutputTokens { get; init; }

    /// <summary><c>output_tokens_details.thinking_tokens</c>: part of <see cref="OutputTokens"/>, sent by newer API versions.</summary>
    public long? ThinkingTokens { get; init; }

    /// <summary>The <c>usage</c> object of <paramref name="parent"/>, or null when it has none.</summary>
    public static AnthropicUsage? Read(JsonElement parent)
    {
        if (!TryGetObject(parent, "usage", out var usage))
        {
            return null;
        }

        return new AnthropicUsage
        {
            InputTokens = Int64(usage, "input_tokens"),
            CacheCreationInputTokens = Int64(usage, "cache_creation_input_tokens"),
            CacheCreation1hInputTokens = Int64(Object(usage, "cache_creation"), "ephemeral_1h_input_tokens"),
            CacheReadInputTokens = Int64(usage, "cache_read_input_tokens"),
            OutputTokens = Int64(usage, "output_tokens"),
            ThinkingTokens = Int64(Object(usage, "output_tokens_details"), "thinking_tokens"),
        };
    }

    /// <summary>
    /// These counts updated by a later message_delta's: its counts are cumulative and win where present; older API
    /// versions send only <c>output_tokens</c> there, so the input-side counts of message_start stay.
    /// </summary>
    public AnthropicUsage UpdatedBy(AnthropicUsage? later) => later is null ? this : new AnthropicUsage
    {
        InputTokens = later.InputTokens ?? InputTokens,
        CacheCreationInputTokens = later.CacheCreationInputTokens ?? CacheCreationInputTokens,
        // A split stays only while it is the split of the write count in force.
        CacheCreation1hInputTokens = later.CacheCreation1hInputTokens
            ?? (later.CacheCreationInputTokens is null || later.CacheCreationInputTokens == CacheCreationInputTokens ? CacheCreation1hInputTokens : null),
        CacheReadInputTokens = later.CacheReadInputTokens ?? CacheReadInputTokens,
        OutputTokens = later.OutputTokens ?? OutputTokens,
        ThinkingTokens = later.ThinkingTokens ?? ThinkingTokens,
    };

    /// <summary>
    /// Normalized counts. Anthropic's <c>input_tokens</c> counts only the input after the last cache breakpoint, and
    /// total input = cache read + cache creation + input_tokens
    /// (https://platform.claude.com/docs/en/build-with-claude/prompt-caching). Anthropic reports no total.
    /// </summary>
    public TokenUsage ToTokenUsage()
    {
        long?[] inputs = [InputTokens, CacheCreationInputTokens, CacheReadInputTokens];
        long? input = inputs.Any(n => n is not null) ? inputs.Sum(n => n ?? 0) : null;
        return new TokenUsage
        {
            Input = input,
            Output = OutputTokens,
            Total = input + OutputTokens,
            CachedInput = CacheReadInputTokens,
            CacheWrite = CacheCreationInputTokens,
            CacheWrite1h = CacheCreation1hInputTokens,
            Reasoning = ThinkingTokens,
        };
    }
}
