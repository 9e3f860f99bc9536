namespace Tap.Sidecar.Pricing;

/// <summary>One model's prices, with the ids it answers to and where its figures come from.</summary>
internal sealed record PriceEntry
{
    public required string Id { get; init; }
    public string? Provider { get; init; }
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public required PriceRates Rates { get; init; }

    /// <summary>Ascending by threshold; the largest one the prompt exceeds applies.</summary>
    public IReadOnlyList<PriceTier> Tiers { get; init; } = [];

    /// <summary>The provider's pricing page the figures were copied from, or what stood in for it.</summary>
    public string? Source { get; init; }

    /// <summary>The day the figures were read from <see cref="Source"/>.</summary>
    public string? Checked { get; init; }

    /// <summary>True when every figure was read on the provider's own page at <see cref="Source"/>; false when some come from elsewhere (<see cref="Note"/> says where); null when the file does not say.</summary>
    public bool? Verified { get; init; }
    public string? Note { get; init; }

    /// <summary>Where the entry came from: <c>shipped</c> or the operator's file.</summary>
    public string Origin { get; init; } = PriceTable.Shipped;

    /// <summary>The rates for a prompt of <paramref name="promptTokens"/>, and the tier threshold used (null for the base rates).</summary>
    public (PriceRates Rates, long? Tier) RatesFor(long? promptTokens)
    {
        var tier = promptTokens is { } prompt ? Tiers.LastOrDefault(t => prompt > t.AboveInputTokens) : null;
        return tier is null ? (Rates, null) : (Rates.With(tier.Rates), tier.AboveInputTokens);
    }
}
