namespace Tap.Sidecar.Pricing;

/// <summary>What a group of executions cost: the total of those with a cost, per-execution percentiles, and how many had none.</summary>
internal sealed class SpendSummary
{
    public decimal Total { get; set; }
    public string Currency { get; set; } = "USD";

    /// <summary>Executions with a cost.</summary>
    public long Priced { get; set; }

    /// <summary>Executions with usage but no price for their model: their cost is unknown and is not in the total.</summary>
    public long Unpriced { get; set; }

    /// <summary>Of <see cref="Priced"/>, those whose cost comes from a usage that is not final (provisional or estimated).</summary>
    public long NotFinal { get; set; }

    /// <summary>Nearest-rank percentiles of the cost per execution, over the priced ones; null when none is.</summary>
    public decimal? P50 { get; set; }
    public decimal? P95 { get; set; }
    public decimal? P99 { get; set; }
}
