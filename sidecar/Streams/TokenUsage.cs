namespace Tap.Sidecar.Streams;

/// <summary>Token counts normalized across formats; null where the provider did not say.</summary>
internal sealed record TokenUsage
{
    public long? Input { get; init; }
    public long? Output { get; init; }
    public long? Total { get; init; }
    public long? CachedInput { get; init; }
    public long? CacheWrite { get; init; }

    /// <summary>Of <see cref="CacheWrite"/>, the writes with a 1-hour lifetime (Anthropic's <c>cache_creation.ephemeral_1h_input_tokens</c>); null when not reported.</summary>
    public long? CacheWrite1h { get; init; }
    public long? Reasoning { get; init; }
}
