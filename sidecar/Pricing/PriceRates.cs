namespace Tap.Sidecar.Pricing;

/// <summary>
/// Prices per million tokens of one entry or one of its long-context tiers; null where the provider lists none
/// (docs/cost.md says what a null rate falls back to).
/// </summary>
internal sealed record PriceRates
{
    public decimal? Input { get; init; }

    /// <summary>Tokens read from the prompt cache (OpenAI's and Gemini's cached input, Anthropic's cache hits).</summary>
    public decimal? CachedInput { get; init; }

    /// <summary>Tokens written to the cache: Anthropic's 5-minute writes, and every write whose lifetime is not reported.</summary>
    public decimal? CacheWrite5m { get; init; }

    /// <summary>Anthropic's 1-hour cache writes.</summary>
    public decimal? CacheWrite1h { get; init; }

    public decimal? Output { get; init; }

    /// <summary>Reasoning (thinking) tokens, when billed differently from output; they are part of the output count.</summary>
    public decimal? Reasoning { get; init; }

    /// <summary>These rates, with every rate <paramref name="tier"/> sets replaced by its own.</summary>
    public PriceRates With(PriceRates tier) => new()
    {
        Input = tier.Input ?? Input,
        CachedInput = tier.CachedInput ?? CachedInput,
        CacheWrite5m = tier.CacheWrite5m ?? CacheWrite5m,
        CacheWrite1h = tier.CacheWrite1h ?? CacheWrite1h,
        Output = tier.Output ?? Output,
        Reasoning = tier.Reasoning ?? Reasoning,
    };
}
