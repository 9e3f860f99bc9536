using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Records;

/// <summary>
/// Whether a report of an execution may replace the record already stored for it (docs/reliability.md, "Replacing a
/// record"): a decision made without the execution's End (rule 7: connection lost, shutdown, shim dropped) never
/// replaces one made at End; one made at End replaces one made without; otherwise the later report replaces only if it
/// saw at least as many chunks and bytes. Applied by the single writer inside the save's transaction, so no other
/// report can slip between the look-up and the write.
/// </summary>
internal static class RecordSupersession
{
    /// <summary>The records of <paramref name="batch"/> to write, each one the best report of its id; replacing ones carry a note.</summary>
    /// <param name="stored">The record stored under an id, or null.</param>
    public static Resolution Resolve(Func<Guid, ExecutionRecord?> stored, IReadOnlyList<ExecutionRecord> batch)
    {
        var chosen = new Dictionary<Guid, ExecutionRecord>(batch.Count);
        Dictionary<Guid, ExecutionRecord>? before = null;
        foreach (var record in batch)
        {
            var existing = chosen.TryGetValue(record.Id, out var earlier) ? earlier : stored(record.Id);
            if (earlier is null && existing is not null)
            {
                (before ??= [])[record.Id] = existing;
            }

            if (existing is null || ReplacesWithNote(existing, record))
            {
                chosen[record.Id] = record;
            }
        }

        List<ExecutionRecord> replaced = before is null
            ? []
            : [.. before.Where(b => chosen.TryGetValue(b.Key, out var written) && !IsSameReport(b.Value, written)).Select(b => b.Value)];
        return new Resolution(chosen.Values, replaced);
    }

    /// <param name="Write">The records to write.</param>
    /// <param name="Replaced">The stored records that some of them replace.</param>
    public sealed record Resolution(ICollection<ExecutionRecord> Write, IReadOnlyList<ExecutionRecord> Replaced);

    private static bool ReplacesWithNote(ExecutionRecord existing, ExecutionRecord incoming)
    {
        // The same report saved again (a retried batch whose first commit did land): nothing was replaced.
        if (IsSameReport(existing, incoming))
        {
            return true;
        }

        var existingAtEnd = DecidedAtEnd(existing);
        var incomingAtEnd = DecidedAtEnd(incoming);
        var replaces = existingAtEnd == incomingAtEnd
            ? incoming.ChunkCount >= existing.ChunkCount && incoming.ByteCount >= existing.ByteCount
            : incomingAtEnd;
        if (replaces)
        {
            var how = existingAtEnd ? "at the execution's End" : "without the execution's End";
            incoming.Notes.Add(FormattableString.Invariant(
                $"Replaces an earlier record {existing.Status} / {existing.Reason} decided {how} at {existing.RecordedAt:yyyy-MM-dd HH:mm:ss.fff} UTC ({existing.ChunkCount} chunks, {existing.ByteCount} bytes)."));
        }

        return replaces;
    }

    /// <summary>Whether <paramref name="incoming"/> is the report <paramref name="existing"/> was saved from, saved again.</summary>
    public static bool IsSameReport(ExecutionRecord existing, ExecutionRecord incoming) =>
        existing.RecordedAt == incoming.RecordedAt && existing.Status == incoming.Status && existing.ByteCount == incoming.ByteCount;

    private static bool DecidedAtEnd(ExecutionRecord record) => record.Signals.Exists(s => s.Kind == ObservedSignal.End);
}
