namespace Tap.Sidecar.Records;

/// <summary>
/// The operations behind the CLI's commands. The running sidecar serves them from its own store over the control
/// endpoint; without a sidecar the CLI runs them on the file: both go through the store's one implementation (Store/StoreRecordSource), so
/// they give the same answers.
/// </summary>
internal interface IRecordSource : IAsyncDisposable
{
    /// <summary>Where the records come from, for messages: the control endpoint or the file.</summary>
    string Description { get; }

    Task<IReadOnlyList<ExecutionRecord>> ListAsync(RecordQuery query, CancellationToken cancellationToken);

    /// <summary>An execution by id or unique prefix, with the other attempts of its request; null when none matches.</summary>
    /// <exception cref="AmbiguousIdException">The prefix matches more than one execution.</exception>
    Task<RecordLookup?> FindAsync(string idOrPrefix, CancellationToken cancellationToken);

    /// <summary>Statistics over every execution matching <paramref name="window"/> (its limit and order are ignored).</summary>
    Task<RecordStats> StatsAsync(RecordQuery window, string by, CancellationToken cancellationToken);

    /// <summary>How many executions match, ignoring the limit.</summary>
    Task<long> CountAsync(RecordQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Served executions that shims dropped whole and that were never recorded, reported within the window's
    /// Since/Until and for its gateway (Client), by gateway and reason; most first.
    /// </summary>
    Task<IReadOnlyList<LossCount>> ShimLossesAsync(RecordQuery window, CancellationToken cancellationToken);

    /// <summary>Deletes the executions started before <paramref name="before"/>; with <paramref name="dryRun"/> only counts them.</summary>
    Task<long> PurgeAsync(DateTime before, bool dryRun, CancellationToken cancellationToken);

    /// <summary>
    /// Recomputes the cost of the executions matching <paramref name="window"/> with the source's price table (the running
    /// sidecar's own), keeping each replaced figure in the record's history; with <paramref name="dryRun"/> only counts.
    /// </summary>
    Task<Pricing.RepriceResult> RepriceAsync(RecordQuery window, bool dryRun, CancellationToken cancellationToken);
}
