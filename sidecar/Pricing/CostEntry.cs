namespace Tap.Sidecar.Pricing;

/// <summary>
/// What an execution cost, in <see cref="Currency"/>, computed from its usage with one entry of the price table. Each
/// part is null when its token count is unknown; <see cref="Total"/> is the sum of the known parts, so a usage that is
/// not final gives a lower bound (docs/cost.md).
/// </summary>
internal sealed class CostEntry
{
    public decimal Total { get; set; }

    /// <summary>Input tokens neither read from nor written to the cache.</summary>
    public decimal? Input { get; set; }
    public decimal? CachedInput { get; set; }
    public decimal? CacheWrite { get; set; }

    /// <summary>Output tokens other than reasoning.</summary>
    public decimal? Output { get; set; }
    public decimal? Reasoning { get; set; }
    public string Currency { get; set; } = "USD";

    /// <summary>The id of the price entry used (the model may have been named by an alias or a dated id).</summary>
    public string Entry { get; set; } = "";

    /// <summary>Where that entry came from: <c>shipped</c> or the operator's file.</summary>
    public string? EntryOrigin { get; set; }

    /// <summary>The long-context tier applied: its threshold in prompt tokens; null for the base prices.</summary>
    public long? TierAboveInputTokens { get; set; }
    public string TableVersion { get; set; } = "";

    /// <summary>The usage it was computed from: <c>final</c>, <c>provisional</c>, <c>estimated</c>, or <c>drained</c> (final usage read after the client left).</summary>
    public string Source { get; set; } = "final";
    public DateTime ComputedAt { get; set; }
}
