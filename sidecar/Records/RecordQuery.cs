namespace Tap.Sidecar.Records;

/// <summary>
/// A filter over stored executions. Null filters match everything; text filters match exactly, except
/// <see cref="ErrorContains"/> (case-insensitive substring). Dates are UTC (an Unspecified kind is taken as UTC).
/// </summary>
internal sealed record RecordQuery
{
    public string? Status { get; init; }
    public string? Reason { get; init; }
    public string? Model { get; init; }
    public string? Format { get; init; }
    public string? Route { get; init; }
    public string? RequestId { get; init; }

    /// <summary>The gateway name the shim reported.</summary>
    public string? Client { get; init; }
    public string? ErrorContains { get; init; }

    /// <summary>Only executions whose cost is at least this much (executions without a cost never match).</summary>
    public decimal? MinCost { get; init; }

    /// <summary>Started at or after (inclusive).</summary>
    public DateTime? Since { get; init; }

    /// <summary>Started before (exclusive).</summary>
    public DateTime? Until { get; init; }

    /// <summary>Started at or before (inclusive): the cursor of <see cref="RecordPager"/>.</summary>
    public DateTime? StartedAtOrBefore { get; init; }

    /// <summary>Committed after this <see cref="ExecutionRecord.Commit"/> (exclusive): the cursor of <see cref="RecordTail"/>.</summary>
    public long? CommittedAfter { get; init; }

    public RecordSort Sort { get; init; } = RecordSort.Started;

    /// <summary>Oldest, fastest first; the default is newest, slowest first.</summary>
    public bool Ascending { get; init; }

    public int Limit { get; init; } = 50;

    /// <summary>Keep the raw chunks in the answer: only compaction needs them (and show, for tap replay ID), and they are large.</summary>
    public bool IncludeRawChunks { get; init; }
}
