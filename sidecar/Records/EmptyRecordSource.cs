namespace Tap.Sidecar.Records;

/// <summary>No database file yet and no sidecar: every query answers nothing, so commands need no special case.</summary>
internal sealed class EmptyRecordSource : IRecordSource
{
    public static EmptyRecordSource Instance { get; } = new();

    public string Description => "no database";

    public Task<IReadOnlyList<ExecutionRecord>> ListAsync(RecordQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ExecutionRecord>>([]);

    public Task<RecordLookup?> FindAsync(string idOrPrefix, CancellationToken cancellationToken) => Task.FromResult<RecordLookup?>(null);

    public Task<RecordStats> StatsAsync(RecordQuery window, string by, CancellationToken cancellationToken) =>
        Task.FromResult(StatsCalculator.Compute([], window, by));

    public Task<long> CountAsync(RecordQuery query, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<IReadOnlyList<LossCount>> ShimLossesAsync(RecordQuery window, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<LossCount>>([]);

    public Task<IReadOnlyList<string>> SideCollectionsAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>([]);

    public Task<IReadOnlyList<string>> SideDocumentsAsync(string collection, string? afterId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);

    public Task<long> PurgeAsync(DateTime before, bool dryRun, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task<Pricing.RepriceResult> RepriceAsync(RecordQuery window, bool dryRun, CancellationToken cancellationToken) =>
        Task.FromResult(new Pricing.RepriceResult { TableVersion = Pricing.PriceTableLoader.Shipped.Version, DryRun = dryRun });

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
