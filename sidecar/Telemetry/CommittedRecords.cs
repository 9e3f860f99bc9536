using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// The records the writer has just committed, kept for the span export so that it need not read back from the database
/// what it had in memory a moment ago (reading a record back costs more than making and sending its span). Bounded: when
/// the export falls behind, the oldest are let go and read from the database, which stays the export's truth.
/// </summary>
internal sealed class CommittedRecords : ICommitObserver
{
    private readonly Lock _gate = new();
    private readonly Queue<ExecutionRecord> _records = new();
    private readonly int _capacity;
    private long _newest;
    private TaskCompletionSource _committed = NewSignal();

    /// <param name="capacity">Records kept at most.</param>
    /// <param name="lastCommit">The store's last commit at open: everything up to it is only in the database.</param>
    public CommittedRecords(int capacity, long lastCommit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _newest = lastCommit;
    }

    /// <summary>The highest commit seen, kept or let go.</summary>
    public long Newest
    {
        get
        {
            lock (_gate)
            {
                return _newest;
            }
        }
    }

    public void Committed(SavedBatch batch, TimeSpan took)
    {
        TaskCompletionSource signal;
        lock (_gate)
        {
            foreach (var record in batch.Written)
            {
                // A report saved again keeps its old commit: it was exported then.
                if (record.Commit <= _newest)
                {
                    continue;
                }

                _newest = record.Commit;
                _records.Enqueue(record);
                if (_records.Count > _capacity)
                {
                    _records.Dequeue();
                }
            }

            signal = _committed;
            _committed = NewSignal();
        }

        signal.TrySetResult();
    }

    /// <summary>
    /// Up to <paramref name="limit"/> records committed right after <paramref name="cursor"/>, in commit order, without a
    /// gap; empty when the next one is not kept (not yet committed, or let go: then the database has it).
    /// </summary>
    public IReadOnlyList<ExecutionRecord> After(long cursor, int limit)
    {
        lock (_gate)
        {
            while (_records.TryPeek(out var oldest) && oldest.Commit <= cursor)
            {
                _records.Dequeue();
            }

            var batch = new List<ExecutionRecord>(Math.Min(limit, _records.Count));
            var next = cursor + 1;
            foreach (var record in _records)
            {
                if (batch.Count == limit || record.Commit != next)
                {
                    break;
                }

                batch.Add(record);
                next++;
            }

            return batch;
        }
    }

    /// <summary>Completes at the next commit, or after <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _committed.Task;
        }

        using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(timeout, time, timer.Token);
        await Task.WhenAny(signal, delay);
        await timer.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
