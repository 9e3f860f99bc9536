using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// <see cref="IRecordSource"/> over a <see cref="RecordStore"/>: the sidecar's own (served on the control
/// endpoint) or one the CLI opened on the file, with the file's lock when the CLI writes.
/// </summary>
/// <param name="writer">The sidecar's writer, through which a purge and a reprice write; null when the CLI holds the file's lock and is its one writer.</param>
internal sealed class StoreRecordSource(
    RecordStore store, string description, bool ownsStore, IDisposable? lease = null, RecordWriter? writer = null, Pricing.PriceTable? prices = null, TimeProvider? time = null) : IRecordSource
{
    /// <summary>Other attempts shown with an execution at most: retries beyond that are a loop, not a story.</summary>
    public const int MaxAttempts = 20;

    public string Description { get; } = description;

    public Task<IReadOnlyList<ExecutionRecord>> ListAsync(RecordQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var records = store.Query(query);
        if (!query.IncludeRawChunks)
        {
            foreach (var record in records)
            {
                record.RawChunks = null;
                record.RawSignalOffsetsMicros = null;
            }
        }

        return Task.FromResult(records);
    }

    public Task<RecordLookup?> FindAsync(string idOrPrefix, CancellationToken cancellationToken)
    {
        var record = store.Find(idOrPrefix);
        return Task.FromResult(record is null
            ? null
            : new RecordLookup(record, record.RequestId is { } requestId ? store.Attempts(requestId, record.Id, MaxAttempts) : []));
    }

    public Task<RecordStats> StatsAsync(RecordQuery window, string by, CancellationToken cancellationToken)
    {
        // A scan is lazy, so the store cannot retry it: a scan that met an engine a failed write closed runs again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var stats = StatsCalculator.Compute(store.Scan(window with { Sort = RecordSort.Started, Ascending = false }), window, by);
                stats.Losses = store.ShimLosses(window);
                stats.ExecutionsLostByShims = stats.Losses.Sum(loss => loss.Count);
                return Task.FromResult(stats);
            }
            catch (Exception ex) when (attempt < 3 && ex is IOException or LiteDB.LiteException or ObjectDisposedException)
            {
                store.RecoverForRead();
            }
        }
    }

    public Task<long> CountAsync(RecordQuery query, CancellationToken cancellationToken) =>
        Task.FromResult(store.Count(query));

    public Task<IReadOnlyList<LossCount>> ShimLossesAsync(RecordQuery window, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LossCount>>(store.ShimLosses(window));

    public Task<IReadOnlyList<string>> SideCollectionsAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(store.SideCollections());

    public Task<IReadOnlyList<string>> SideDocumentsAsync(string collection, string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>(store.SideDocuments(collection, afterId, limit));

    public Task<long> PurgeAsync(DateTime before, bool dryRun, CancellationToken cancellationToken) =>
        dryRun || writer is null
            ? Task.FromResult(store.DeleteStartedBefore(before, dryRun))
            : writer.WriteAsync("purge", () => store.DeleteStartedBefore(before), cancellationToken);

    // Through the writer when the sidecar runs, as a purge: with its full-disk back-off, and a retry repeats nothing,
    // since a record already priced with this table is not changed again.
    public async Task<Pricing.RepriceResult> RepriceAsync(RecordQuery window, bool dryRun, CancellationToken cancellationToken)
    {
        var table = prices ?? Pricing.PriceTableLoader.Shipped;
        var now = (time ?? TimeProvider.System).GetUtcNow().UtcDateTime;
        bool Reprice(ExecutionRecord record) => RecordCost.Reprice(record, table, now);
        long matched, changed;
        if (dryRun || writer is null)
        {
            (matched, changed) = store.Rewrite(window, Reprice, dryRun);
        }
        else
        {
            matched = 0;
            changed = await writer.WriteAsync("reprice", () =>
            {
                var (m, c) = store.Rewrite(window, Reprice, dryRun: false);
                matched = m;
                return c;
            }, cancellationToken);
        }

        return new Pricing.RepriceResult { Matched = matched, Changed = changed, TableVersion = table.Version, DryRun = dryRun };
    }

    public ValueTask DisposeAsync()
    {
        if (ownsStore)
        {
            store.Dispose();
        }

        lease?.Dispose();

        return ValueTask.CompletedTask;
    }
}
