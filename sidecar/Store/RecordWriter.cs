using System.Threading.Channels;
using LiteDB;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Store;

/// <summary>
/// The single writer of the record store: producers enqueue without blocking, one background loop commits
/// batches. A failing save never crashes the host: the batch is kept and retried with a capped backoff.
/// A writer that falls behind pushes back instead of dropping: readers of the shims' connections wait in
/// <see cref="WaitForRoomAsync"/> before reading more frames, so the shims keep the executions (they hold every
/// frame until its record is committed) rather than the sidecar losing records it has decided.
/// Every other write of the sidecar's store (a purge, retention, a checkpoint) is queued here too (<see cref="WriteAsync"/>),
/// so it meets the same back-off on a full disk and is ordered with the records around it.
/// </summary>
internal sealed class RecordWriter : BackgroundService
{
    /// <summary>
    /// Records waiting to be saved before the readers pause: 40 s of a stalled disk at 100 executions a second.
    /// Records of a few KB make that tens of MB; the worst case, every response at the default
    /// <see cref="StoreOptions.MaxResponseChars"/> (128 KiB as UTF-16), is 512 MiB. Records a reader already
    /// holds when it pauses (what one read of its connection decided, and the executions a closed connection
    /// finalizes) are still accepted, so the queue can exceed this by that much.
    /// </summary>
    public const int QueueCapacity = 4096;

    /// <summary>
    /// Characters of preparation (samples of generated text to tokenize for an estimate of usage) that may wait for the
    /// writer before the readers pause: 32 MiB besides the records. Counted in characters, not samples, so that many
    /// short estimates never pause the readers while a few long ones cannot hold more memory.
    /// </summary>
    public const int PrepareCapacity = 16 * 1024 * 1024;

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(100);
    // Short: once space is back on a full disk, the writer should find out within seconds.
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BehindLogInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions
    {
        SingleReader = true,
    });

    private readonly Lock _roomGate = new();
    private TaskCompletionSource? _room;
    private bool _stopping;
    private long _lastBehindLog = long.MinValue;
    private readonly Func<IReadOnlyList<ExecutionRecord>, IReadOnlyList<ShimLossReport>, SavedBatch> _save;
    private readonly IReadOnlyList<ICommitObserver> _observers = [];
    private readonly int _maxBatchSize;
    private readonly ILogger<RecordWriter> _logger;
    private readonly TimeProvider _timeProvider;

    // Cancelled when the host's shutdown timeout expires: only then is a failing batch given up.
    private readonly CancellationTokenSource _abandon = new();
    private long _recorded;
    private long _failedAttempts;
    private long _dropped;
    private long _queued;
    private long _pauses;
    private long _preparing;

    /// <param name="observers">Told of each committed batch, in this order (the metrics, the span export).</param>
    public RecordWriter(RecordStore store, StoreOptions options, ILogger<RecordWriter> logger, TimeProvider timeProvider, IEnumerable<ICommitObserver>? observers = null)
        : this(options, logger, timeProvider, (store ?? throw new ArgumentNullException(nameof(store))).Save)
    {
        _observers = [.. observers ?? []];
    }

    /// <summary>Writes records through <paramref name="save"/> and keeps no loss reports; tests pass a failing one.</summary>
    public RecordWriter(Action<IReadOnlyList<ExecutionRecord>> save, StoreOptions options, ILogger<RecordWriter> logger, TimeProvider timeProvider)
        : this(options, logger, timeProvider, RecordsOnly(save))
    {
    }

    private static Func<IReadOnlyList<ExecutionRecord>, IReadOnlyList<ShimLossReport>, SavedBatch> RecordsOnly(Action<IReadOnlyList<ExecutionRecord>> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        return (records, _) =>
        {
            save(records);
            return new SavedBatch(records, [], []);
        };
    }

    private RecordWriter(StoreOptions options, ILogger<RecordWriter> logger, TimeProvider timeProvider, Func<IReadOnlyList<ExecutionRecord>, IReadOnlyList<ShimLossReport>, SavedBatch> save)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxBatchSize, 1);
        _save = save;
        _maxBatchSize = options.MaxBatchSize;
        _logger = logger;
        _timeProvider = timeProvider;
    }

    /// <summary>Executions committed to the store.</summary>
    public long Recorded => Interlocked.Read(ref _recorded);

    /// <summary>Save attempts (and other writes) that threw; each is retried.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Executions refused because the writer had stopped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records queued and not yet committed.</summary>
    public long Queued => Interlocked.Read(ref _queued);

    /// <summary>Times a reader waited in <see cref="WaitForRoomAsync"/> because the queue was full.</summary>
    public long Pauses => Interlocked.Read(ref _pauses);

    /// <summary>Queues <paramref name="record"/> without blocking; false (and counted) only once the writer is stopping.</summary>
    /// <param name="onCommitted">Called on the writer's thread once the record is committed; exceptions are logged.</param>
    /// <param name="prepare">
    /// Work the record needs before it is saved (tokenizing an estimate), run once on the writer's thread so that it
    /// never runs on a connection's read loop; an exception is logged and the record is saved as it is.
    /// </param>
    /// <param name="prepareChars">The characters <paramref name="prepare"/> works through, counted against <see cref="PrepareCapacity"/> (at least one).</param>
    public bool TryEnqueue(ExecutionRecord record, Action<ExecutionRecord>? onCommitted = null, Action<ExecutionRecord>? prepare = null, int prepareChars = 0)
    {
        ArgumentNullException.ThrowIfNull(record);
        var weight = prepare is null ? 0 : Math.Max(1, prepareChars);
        Interlocked.Increment(ref _queued);
        Interlocked.Add(ref _preparing, weight);
        if (_queue.Writer.TryWrite(new Pending(record, onCommitted, null, Prepare: prepare, PrepareChars: weight)))
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);
        Interlocked.Add(ref _preparing, -weight);

        var dropped = Interlocked.Increment(ref _dropped);
        StoreLog.RecordRefused(_logger, dropped);
        return false;
    }

    /// <summary>
    /// Queues a shim's loss report, to be committed with the next batch of records (so a full disk holds it like a
    /// record instead of failing the shim's connection); false once the writer is stopping.
    /// </summary>
    /// <param name="onCommitted">Called on the writer's thread once the report is committed.</param>
    public bool TryEnqueue(ShimLossReport loss, Action? onCommitted)
    {
        ArgumentNullException.ThrowIfNull(loss);
        Interlocked.Increment(ref _queued);
        if (_queue.Writer.TryWrite(new Pending(null, null, null, loss, onCommitted)))
        {
            return true;
        }

        Interlocked.Decrement(ref _queued);
        return false;
    }

    /// <summary>
    /// Runs <paramref name="write"/> (a delete, a checkpoint) on the writer's thread once every record queued before it
    /// is committed, and completes with its result. A store fault (I/O, LiteDB, a closed engine: a full disk) is
    /// retried with the records' back-off until it succeeds; any other exception fails the task. Refused once the
    /// writer is stopping. Cancelling the wait does not withdraw the write.
    /// </summary>
    /// <param name="what">Names the write in the log.</param>
    /// <exception cref="InvalidOperationException">The writer has stopped.</exception>
    public async Task<long> WriteAsync(string what, Func<long> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        var written = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_queue.Writer.TryWrite(new Pending(null, null, null, Write: new StoreWrite(what, write, written))))
        {
            throw new InvalidOperationException($"The record writer has stopped: the {what} was not run.");
        }

        return await written.Task.WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Completes at once while fewer than <see cref="QueueCapacity"/> records (and <see cref="PrepareCapacity"/>
    /// preparations) wait; else when the writer has committed enough of them, or when it stops.
    /// </summary>
    public Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        if (HasRoom)
        {
            return Task.CompletedTask;
        }

        Task room;
        lock (_roomGate)
        {
            if (_stopping || HasRoom)
            {
                return Task.CompletedTask;
            }

            _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            room = _room.Task;
        }

        Interlocked.Increment(ref _pauses);
        var now = _timeProvider.GetTimestamp();
        var last = Interlocked.Read(ref _lastBehindLog);
        if ((last == long.MinValue || _timeProvider.GetElapsedTime(last, now) >= BehindLogInterval)
            && Interlocked.CompareExchange(ref _lastBehindLog, now, last) == last)
        {
            StoreLog.WriterBehind(_logger, Queued, Pauses);
        }

        return room.WaitAsync(cancellationToken);
    }

    private bool HasRoom => Interlocked.Read(ref _queued) < QueueCapacity && Interlocked.Read(ref _preparing) < PrepareCapacity;

    /// <summary>Completes when everything enqueued before the call is committed (or, once stopping, when the drain ends).</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        var flushed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            // A marker behind the records already queued: the loop completes it after committing them.
            await _queue.Writer.WriteAsync(new Pending(null, null, flushed), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            await (ExecuteTask ?? Task.CompletedTask).WaitAsync(cancellationToken);
            return;
        }

        await flushed.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops accepting records and drains the queue; gives up only when <paramref name="cancellationToken"/> fires.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        lock (_roomGate)
        {
            _stopping = true;
        }

        ReleaseWaiters();

        // Drain before the base cancels the stopping token: since .NET 10 the base starts ExecuteAsync through
        // Task.Run with that token, so a writer stopped right after it started would never run its loop.
        try
        {
            await (ExecuteTask ?? Task.CompletedTask).WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _abandon.CancelAsync();
        }

        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _abandon.Dispose();
        base.Dispose();
    }

    // The stopping token is deliberately unused: StopAsync completes the queue and the loop ends after the drain.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(_maxBatchSize);
        var flushes = new List<TaskCompletionSource>();
        var reader = _queue.Reader;
        StoreWrite? write = null;

        // Read once: the host may dispose the writer (and the source) while an abandoned loop is still unwinding.
        var abandon = _abandon.Token;
        try
        {
            while (await reader.WaitToReadAsync(abandon))
            {
                // A write ends the batch: the records before it are committed first, those after it wait for it.
                while (write is null && batch.Count < _maxBatchSize && reader.TryRead(out var pending))
                {
                    if (pending.Flushed is { } flushed)
                    {
                        flushes.Add(flushed);
                    }
                    else if (pending.Write is { } next)
                    {
                        write = next;
                    }
                    else
                    {
                        batch.Add(pending);
                    }
                }

                await CommitAsync(batch, abandon);
                Interlocked.Add(ref _queued, -batch.Count);
                ReleaseWaiters();
                batch.Clear();
                if (write is not null)
                {
                    await RunAsync(write, abandon);
                    write = null;
                }

                flushes.ForEach(flush => flush.TrySetResult());
                flushes.Clear();
            }
        }
        catch (OperationCanceledException) when (abandon.IsCancellationRequested)
        {
            var lost = batch.Count;
            write?.Written.TrySetCanceled(abandon);
            while (reader.TryRead(out var pending))
            {
                lost += pending.Record is null ? 0 : 1;
                pending.Flushed?.TrySetCanceled(abandon);
                pending.Write?.Written.TrySetCanceled(abandon);
            }

            flushes.ForEach(flush => flush.TrySetCanceled(abandon));
            StoreLog.DrainAbandoned(_logger, lost);
        }

        StoreLog.WriterStopped(_logger, Recorded, Dropped, FailedAttempts);
    }

    // Always under the lock, even when nobody waits: a reader that found the queue full and is about to wait must
    // either see this commit's room or have its wait seen here. Once per batch, so the lock costs nothing.
    private void ReleaseWaiters()
    {
        lock (_roomGate)
        {
            if (_stopping || HasRoom)
            {
                _room?.TrySetResult();
                _room = null;
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch, CancellationToken abandon)
    {
        if (batch.Count == 0)
        {
            return;
        }

        var records = new List<ExecutionRecord>(batch.Count);
        var losses = new List<ShimLossReport>();
        foreach (var pending in batch)
        {
            if (pending.Record is { } record)
            {
                Prepare(pending);
                records.Add(record);
            }
            else
            {
                losses.Add(pending.Loss!);
            }
        }

        var delay = FirstRetryDelay;
        SavedBatch saved;
        TimeSpan took;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = _timeProvider.GetTimestamp();
                saved = _save(records, losses);
                took = _timeProvider.GetElapsedTime(started);
                break;
            }
            catch (Exception exception)
            {
                Interlocked.Increment(ref _failedAttempts);
                StoreLog.SaveFailed(_logger, exception, records.Count, attempt, delay);
                await Task.Delay(delay, _timeProvider, abandon);
                delay = NextDelay(delay);
            }
        }

        Interlocked.Add(ref _recorded, records.Count);
        StoreLog.BatchCommitted(_logger, records.Count);
        foreach (var pending in batch)
        {
            try
            {
                if (pending.Record is { } record)
                {
                    pending.OnCommitted?.Invoke(record);
                }
                else
                {
                    pending.OnLossCommitted?.Invoke();
                }
            }
            catch (Exception exception)
            {
                StoreLog.CommitCallbackFailed(_logger, exception, pending.Record?.Id ?? pending.Loss!.ReportId ?? Guid.Empty);
            }
        }

        // After the acknowledgements: the shims are not kept waiting for the metrics.
        Observe(saved, took);
    }

    private void Observe(SavedBatch saved, TimeSpan took)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.Committed(saved, took);
            }
            catch (Exception exception)
            {
                StoreLog.CommitObserverFailed(_logger, exception);
            }
        }
    }

    private static TimeSpan NextDelay(TimeSpan delay) => TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxRetryDelay.Ticks));

    // Once, before the first attempt: a retried save does not tokenize again.
    private void Prepare(Pending pending)
    {
        if (pending.Prepare is not { } prepare)
        {
            return;
        }

        try
        {
            prepare(pending.Record!);
        }
        catch (Exception exception)
        {
            StoreLog.PrepareFailed(_logger, exception, pending.Record!.Id);
        }

        Interlocked.Add(ref _preparing, -pending.PrepareChars);
    }

    private async Task RunAsync(StoreWrite write, CancellationToken abandon)
    {
        var delay = FirstRetryDelay;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                write.Written.TrySetResult(write.Run());
                return;
            }
            catch (Exception exception) when (exception is IOException or LiteException or ObjectDisposedException)
            {
                Interlocked.Increment(ref _failedAttempts);
                StoreLog.WriteFailed(_logger, exception, write.What, attempt, delay);
                await Task.Delay(delay, _timeProvider, abandon);
                delay = NextDelay(delay);
            }
            catch (Exception exception)
            {
                write.Written.TrySetException(exception);
                return;
            }
        }
    }

    /// <summary>A record to save (with the work it needs first), a shim's loss report, a flush marker, or a write.</summary>
    private sealed record Pending(
        ExecutionRecord? Record,
        Action<ExecutionRecord>? OnCommitted,
        TaskCompletionSource? Flushed,
        ShimLossReport? Loss = null,
        Action? OnLossCommitted = null,
        Action<ExecutionRecord>? Prepare = null,
        StoreWrite? Write = null,
        int PrepareChars = 0);

    private sealed record StoreWrite(string What, Func<long> Run, TaskCompletionSource<long> Written);
}
