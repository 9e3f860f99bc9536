namespace Tap.Sidecar.Pricing;

/// <summary><c>Tap:Prices</c>: the operator's price file, read over the shipped table (docs/cost.md).</summary>
internal sealed class PricingOptions
{
    /// <summary>A JSON price file whose entries add to or replace the shipped ones; none by default.</summary>
    public string? Path { get; set; }
}
