namespace Tap.Sidecar.Pricing;

/// <summary>
/// Token counts as Tap normalizes them for every format (docs/outcomes.md, usage mappings): <see cref="Input"/> holds
/// every input token, cached and cache writes included; <see cref="Output"/> holds every output token, reasoning included.
/// </summary>
internal sealed record TokenCounts
{
    public long? Input { get; init; }
    public long? CachedInput { get; init; }
    public long? CacheWrite { get; init; }

    /// <summary>Of <see cref="CacheWrite"/>, the writes with a 1-hour lifetime; null when not reported (priced as 5-minute writes).</summary>
    public long? CacheWrite1h { get; init; }
    public long? Output { get; init; }
    public long? Reasoning { get; init; }
}
