using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// What one commit put in the database, for those who count it (docs/telemetry.md, "Metrics"): the records written, new
/// or replacing a stored one; the stored records they replaced (not a retried save of the same report); and the loss
/// reports stored for the first time (a replayed report is stored, and counted, once).
/// </summary>
internal sealed record SavedBatch(IReadOnlyCollection<ExecutionRecord> Written, IReadOnlyList<ExecutionRecord> Replaced, IReadOnlyList<StoredLoss> NewLosses)
{
    public static SavedBatch Empty { get; } = new([], [], []);
}

/// <summary>A shim's Loss report as stored: the executions it made lost (those without a record, and the uncounted).</summary>
internal sealed record StoredLoss(string Reason, string? Gateway, long Executions);
