namespace Tap.Sidecar.Store;

/// <summary>
/// Told of every batch the record writer committed, on the writer's thread right after the commit, so that what it
/// counts agrees with the database. It must be quick and must not throw: the next batch waits for it.
/// </summary>
internal interface ICommitObserver
{
    /// <param name="took">How long the successful save took (the commit latency).</param>
    void Committed(SavedBatch batch, TimeSpan took);
}
