namespace Tap.Sidecar.Records;

/// <summary>
/// Follows new executions as they are recorded: first the latest <see cref="RecordQuery.Limit"/> matches, then,
/// every poll, those committed since. The cursor is the last <see cref="ExecutionRecord.Commit"/> shown: commits are
/// unique and only grow, so nothing is shown twice or skipped (a record replaced by a better report is committed,
/// and shown, again).
/// </summary>
internal sealed class RecordTail(RecordQuery query)
{
    /// <summary>Executions read per poll at most; more are read on the next poll.</summary>
    public const int MaxPerPoll = 500;

    private long? _cursor;
    private bool _started;

    /// <summary>The executions recorded since the previous call, oldest first.</summary>
    public async Task<IReadOnlyList<ExecutionRecord>> PollAsync(IRecordSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        List<ExecutionRecord> fresh;
        if (!_started)
        {
            var latest = await source.ListAsync(query with { Sort = RecordSort.Recorded, Ascending = false }, cancellationToken);
            fresh = [.. latest.Reverse()];
            _started = true;

            // Records written before commits were numbered have none (0): the next poll starts after them.
            _cursor = fresh.Count > 0 ? fresh.Max(r => r.Commit) : 0;
        }
        else
        {
            fresh = [.. await source.ListAsync(query with { Sort = RecordSort.Recorded, Ascending = true, CommittedAfter = _cursor, Limit = MaxPerPoll }, cancellationToken)];
            if (fresh.Count > 0)
            {
                _cursor = fresh[^1].Commit;
            }
        }

        return fresh;
    }
}
