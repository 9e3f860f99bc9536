namespace Tap.Sidecar.Ingest;

/// <summary>
/// The bytes that frames in progress may hold over all connections together (Tap:Ingest:MaxPartialFrameBytes).
/// Issue 12: 1,000 connections each holding an almost whole 1 MiB frame took the sidecar to 1.15 GB. A connection
/// whose frame does not fit waits before reading more, so its shim waits too (the socket fills, the shim keeps
/// the execution in its own bounded buffer) instead of being closed: good shims under a flood are slowed, not cut off.
/// Waiters are served first come first served, so a large frame is not starved by small ones; a waiter holds no
/// reservation while it waits, so holders (which complete or hit the frame timeout) always free the room it needs.
/// </summary>
internal sealed class PartialFrameBudget(long capacity)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Waiter> _waiters = [];
    private long _used;

    /// <summary>Bytes reserved now by frames in progress.</summary>
    public long Used
    {
        get
        {
            lock (_lock)
            {
                return _used;
            }
        }
    }

    /// <summary>Connections waiting for room now.</summary>
    public int Waiting
    {
        get
        {
            lock (_lock)
            {
                return _waiters.Count;
            }
        }
    }

    public Task AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, capacity);
        Waiter waiter;
        lock (_lock)
        {
            if (_waiters.Count == 0 && _used + bytes <= capacity)
            {
                _used += bytes;
                return Task.CompletedTask;
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        return WaitAsync(waiter, cancellationToken);
    }

    public void Release(long bytes)
    {
        if (bytes == 0)
        {
            return;
        }

        lock (_lock)
        {
            _used -= bytes;
            GrantFitting();
        }
    }

    private async Task WaitAsync(Waiter waiter, CancellationToken cancellationToken)
    {
        await using var registration = cancellationToken.Register(() => Cancel(waiter, cancellationToken));
        await waiter.Granted.Task;
    }

    private void Cancel(Waiter waiter, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (waiter.Node?.List is null)
            {
                return; // granted already: the reservation is the caller's, released as usual
            }

            _waiters.Remove(waiter.Node);
            GrantFitting();
        }

        waiter.Granted.TrySetCanceled(cancellationToken);
    }

    // Under the lock; the waiters' continuations run asynchronously, never inside it.
    private void GrantFitting()
    {
        while (_waiters.First is { } first && _used + first.Value.Bytes <= capacity)
        {
            _used += first.Value.Bytes;
            _waiters.RemoveFirst();
            first.Value.Granted.TrySetResult();
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter>? Node { get; set; }
    }
}
