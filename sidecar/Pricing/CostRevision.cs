namespace Tap.Sidecar.Pricing;

/// <summary>A cost a reprice replaced, kept on the record: what it was, from which table, and when it was replaced.</summary>
internal sealed class CostRevision
{
    /// <summary>Null when the execution had no price then.</summary>
    public decimal? Total { get; set; }
    public string? Currency { get; set; }
    public string? Entry { get; set; }
    public string? TableVersion { get; set; }
    public string? Source { get; set; }
    public DateTime? ComputedAt { get; set; }
    public DateTime ReplacedAt { get; set; }
}
