namespace Tap.Sidecar.Pricing;

/// <summary>
/// Turns token counts into money with one price entry, exactly (decimal, no rounding). Tap's counts are normalized the
/// same way for every provider, so one rule prices them all (docs/cost.md gives each provider's source):
/// uncached input = input - cached - cache writes; output other than reasoning = output - reasoning.
/// </summary>
internal static class CostCalculator
{
    private const decimal Million = 1_000_000m;

    /// <summary>The cost of <paramref name="counts"/>; null when no count is known at all.</summary>
    public static CostEntry? Compute(PriceEntry entry, TokenCounts counts)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Input is null && counts.Output is null && counts.CachedInput is null && counts.CacheWrite is null)
        {
            return null;
        }

        var (rates, tier) = entry.RatesFor(counts.Input);

        // A null rate falls back to what the provider bills such tokens at when it lists no separate price.
        var input = rates.Input ?? 0m;
        var cachedRate = rates.CachedInput ?? input;
        var write5m = rates.CacheWrite5m ?? input;
        var write1h = rates.CacheWrite1h ?? write5m;
        var output = rates.Output ?? 0m;
        var reasoningRate = rates.Reasoning ?? output;

        var cached = Math.Max(0, counts.CachedInput ?? 0);
        var writes = Math.Max(0, counts.CacheWrite ?? 0);
        var writes1h = Math.Clamp(counts.CacheWrite1h ?? 0, 0, writes);
        var reasoning = counts.Output is { } total ? Math.Clamp(counts.Reasoning ?? 0, 0, total) : Math.Max(0, counts.Reasoning ?? 0);

        var cost = new CostEntry
        {
            Input = counts.Input is { } all ? Price(Math.Max(0, all - cached - writes), input) : null,
            CachedInput = counts.CachedInput is null ? null : Price(cached, cachedRate),
            CacheWrite = counts.CacheWrite is null ? null : Price(writes - writes1h, write5m) + Price(writes1h, write1h),
            Output = counts.Output is { } outputs ? Price(outputs - reasoning, output) : null,
            Reasoning = counts.Reasoning is null ? null : Price(reasoning, reasoningRate),
            Entry = entry.Id,
            EntryOrigin = entry.Origin,
            TierAboveInputTokens = tier,
        };
        cost.Total = (cost.Input ?? 0) + (cost.CachedInput ?? 0) + (cost.CacheWrite ?? 0) + (cost.Output ?? 0) + (cost.Reasoning ?? 0);
        return cost;
    }

    private static decimal Price(long tokens, decimal perMillion) => tokens * perMillion / Million;
}
