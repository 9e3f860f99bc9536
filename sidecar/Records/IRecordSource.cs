namespace Tap.Sidecar.Records;

/// <summary>
/// The operations behind the CLI's commands. The running sidecar serves them from its own store over the control
/// endpoint; without a sidecar the CLI runs them on the file: both go through the store's one implementation (Store/StoreRecordSource), so
/// they give the same answers.
/// </summary>
internal interface IRecordSource : IAsyncDisposable
{
    /// <summary>
    /// Side documents one page holds at the most: a loss entry is a few hundred bytes, so a page stays far under the
    /// control endpoint's smallest answer limit (<c>Tap:Control:MaxResponseBytes</c>, 64 KiB at the least).
    /// </summary>
    const int MaxSideDocuments = 100;

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

    /// <summary>The names of the store's collections beside the executions (the shims' loss reports among them).</summary>
    Task<IReadOnlyList<string>> SideCollectionsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// A page of at most <see cref="MaxSideDocuments"/> of a side collection's documents after the id <paramref name="afterId"/> (null: from the first), in id order,
    /// each in the store's own JSON, for compaction to copy them unchanged.
    /// </summary>
    Task<IReadOnlyList<string>> SideDocumentsAsync(string collection, string? afterId, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the executions started before <paramref name="before"/>; with <paramref name="dryRun"/> only counts them.</summary>
    Task<long> PurgeAsync(DateTime before, bool dryRun, CancellationToken cancellationToken);

    /// <summary>
    /// Recomputes the cost of the executions matching <paramref name="window"/> with the source's price table (the running
    /// sidecar's own), keeping each replaced figure in the record's history; with <paramref name="dryRun"/> only counts.
    /// </summary>
    Task<Pricing.RepriceResult> RepriceAsync(RecordQuery window, bool dryRun, CancellationToken cancellationToken);
}
