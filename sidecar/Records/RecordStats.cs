namespace Tap.Sidecar.Records;

/// <summary>What <c>tap stats</c> prints: executions of a window grouped by one field, and the most frequent failure reasons.</summary>
internal sealed class RecordStats
{
    public string By { get; set; } = StatsGrouping.Status;
    public DateTime? Since { get; set; }
    public DateTime? Until { get; set; }
    public long Count { get; set; }
    public List<StatsGroup> Groups { get; set; } = [];

    /// <summary>Served executions the shims dropped whole and that were never recorded: the sum of <see cref="Losses"/>.</summary>
    public long ExecutionsLostByShims { get; set; }

    /// <summary>Those executions by gateway and reason, most first.</summary>
    public List<LossCount> Losses { get; set; } = [];

    /// <summary>Reasons of every execution that did not complete, most frequent first.</summary>
    public List<ReasonCount> TopFailureReasons { get; set; } = [];
}

internal sealed class StatsGroup
{
    /// <summary>The group's value; "-" when the field is empty.</summary>
    public string Key { get; set; } = "";
    public long Count { get; set; }
    public long InputTokens { get; set; }
    public long OutputTokens { get; set; }
    public long TotalTokens { get; set; }
    public Percentiles? LatencyMs { get; set; }
    public Percentiles? TtftMs { get; set; }

    /// <summary>What the group's executions cost (docs/cost.md).</summary>
    public Pricing.SpendSummary? Spend { get; set; }
}

/// <summary>Nearest-rank percentiles over the executions that have the value.</summary>
internal sealed class Percentiles
{
    public double P50 { get; set; }
    public double P95 { get; set; }
    public double P99 { get; set; }
}

internal sealed class ReasonCount
{
    public string Status { get; set; } = "";
    public string Reason { get; set; } = "";
    public long Count { get; set; }
}
