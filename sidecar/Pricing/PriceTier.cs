namespace Tap.Sidecar.Pricing;

/// <summary>
/// A long-context tier: when the prompt (every input token, cached and cache writes included) is larger than
/// <see cref="AboveInputTokens"/>, the whole request is billed at these rates, as Anthropic and Google price it.
/// </summary>
internal sealed record PriceTier(long AboveInputTokens, PriceRates Rates);
