namespace Tap.Sidecar.Records;

/// <summary>
/// Reads every execution matching a query, newest first, in pages: a page is one bounded control response, and
/// no store cursor stays open between pages. The cursor is a start time (inclusive) plus the ids already read at it,
/// so executions sharing a millisecond are neither lost nor repeated.
/// </summary>
internal static class RecordPager
{
    public const int DefaultPageSize = 200;

    public static async IAsyncEnumerable<ExecutionRecord> ReadAllAsync(
        IRecordSource source,
        RecordQuery query,
        int pageSize = DefaultPageSize,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(query);
        var page = query with { Sort = RecordSort.Started, Ascending = false, StartedAtOrBefore = null };
        var seenAtCursor = new HashSet<Guid>();
        while (true)
        {
            var requested = pageSize + seenAtCursor.Count;
            var records = await source.ListAsync(page with { Limit = requested }, cancellationToken);
            var fresh = records.Where(r => !seenAtCursor.Contains(r.Id)).ToList();
            foreach (var record in fresh)
            {
                yield return record;
            }

            if (fresh.Count == 0 || records.Count < requested)
            {
                yield break;
            }

            var cursor = fresh[^1].StartedAt;
            if (page.StartedAtOrBefore != cursor)
            {
                seenAtCursor.Clear();
            }

            seenAtCursor.UnionWith(fresh.Where(r => r.StartedAt == cursor).Select(r => r.Id));
            page = page with { StartedAtOrBefore = cursor };
        }
    }
}
