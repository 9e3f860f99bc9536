namespace Tap.Sidecar.Records;

/// <summary>
/// Follows new executions as they are recorded: first the latest <see cref="RecordQuery.Limit"/> matches, then,
/// every poll, those recorded since. The cursor is a record time (inclusive) plus the ids already shown at it.
/// </summary>
internal sealed class RecordTail(RecordQuery query)
{
    /// <summary>Executions read per poll at most; more are read on the next poll.</summary>
    public const int MaxPerPoll = 500;

    private readonly HashSet<Guid> _seenAtCursor = [];
    private DateTime? _cursor;
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
        }
        else
        {
            var page = query with { Sort = RecordSort.Recorded, Ascending = true, RecordedFrom = _cursor, Limit = MaxPerPoll + _seenAtCursor.Count };
            fresh = [.. (await source.ListAsync(page, cancellationToken)).Where(r => !_seenAtCursor.Contains(r.Id))];
        }

        if (fresh.Count > 0)
        {
            var last = fresh.Max(r => r.RecordedAt);
            if (_cursor != last)
            {
                _seenAtCursor.Clear();
                _cursor = last;
            }

            _seenAtCursor.UnionWith(fresh.Where(r => r.RecordedAt == last).Select(r => r.Id));
        }

        return fresh;
    }
}
