namespace Tap.Sidecar.Streams;

/// <summary>Token counts normalized across formats; null where the provider did not say.</summary>
internal sealed record TokenUsage
{
    public long? Input { get; init; }
    public long? Output { get; init; }
    public long? Total { get; init; }
    public long? CachedInput { get; init; }
    public long? CacheWrite { get; init; }
    public long? Reasoning { get; init; }
}
