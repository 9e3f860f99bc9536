using System.Collections.Concurrent;
using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// The client's one background consumer; all I/O happens here, none on the proxy's threads. It moves every reported
/// frame into the ledger (connected or not), writes it when a connection is up, replays everything not yet
/// acknowledged on each new connection, and keeps memory within its cap: the oldest executions move to the spool, or
/// without one are dropped whole and reported. A write in progress never stops it: while the sidecar is slow or has
/// paused its reads, frames still move into the ledger and on to the spool.
/// </summary>
internal sealed partial class DeliveryLoop
{
    private const int BatchBytes = 64 * 1024;

    // After a write the loop rests this long before it waits on the buffer again. A waiting loop is woken by the
    // proxy thread that enqueues the next frame: one thread-pool wake-up per frame, paid partly on the proxy's
    // thread. Resting lets frames queue without waking anyone and leave together in one write; only a frame's
    // delivery to the sidecar waits, never the proxy (docs/benchmarks.md). A full batch does not rest: more is
    // waiting, and resting after each 64 KiB capped delivery below what a busy gateway produces, so the backlog
    // grew until the oldest executions went to the spool.
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);

    // While a write waits on the sidecar, the loop looks at the buffer this often instead of on every frame.
    private static readonly TimeSpan WritingPoll = TimeSpan.FromMilliseconds(10);

    private readonly TapClientOptions _options;
    private readonly OutboundBuffer _buffer;
    private readonly ShimCounters _counters;
    private readonly TimeProvider _time;
    private readonly Func<HelloMessage> _hello;
    private readonly string _spoolOwner;
    private readonly string _spoolName;
    private readonly ExecutionLedger _ledger;
    private readonly LossReports _losses = new();
    private readonly ConcurrentQueue<Guid> _acks = new();
    private readonly ConcurrentQueue<ExecutionWriter> _lost = new();
    private readonly Queue<LedgerEntry> _unsent = new();
    private readonly Queue<OutboundFrame> _closings = new();
    private readonly byte[] _batch;
    private readonly List<byte[]> _retired = [];
    private List<StagedFrame> _taking = [];
    private DiskSpool? _spool;
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _used;
    private volatile SidecarSession? _session;
    private CancellationTokenSource? _writeCancel;
    private Task? _sessionClosed;
    private Task? _writing;
    private long _epoch;
    private bool _lossReportsRefused;

    // spoolOwner: this client's name among the spool's owners (its instance id); spoolName: the gateway's, for the default folder.
    public DeliveryLoop(TapClientOptions options, OutboundBuffer buffer, ShimCounters counters, TimeProvider time, Func<HelloMessage> hello, string spoolOwner, string spoolName)
    {
        _options = options;
        _buffer = buffer;
        _counters = counters;
        _time = time;
        _hello = hello;
        _spoolOwner = spoolOwner;
        _spoolName = spoolName;
        _ledger = new ExecutionLedger(buffer, counters);

        // Room for any frame after a batch's first 64 KiB, so a large frame needs no second path.
        _batch = new byte[BatchBytes + options.MaxFrameBytes + ProtocolConstants.LengthPrefixBytes];
    }

    public bool IsConnected => _session is not null;

    /// <summary>Called with the negotiated frame size whenever a connection opens.</summary>
    public Action<int>? Connected { get; set; }

    private bool WriteAhead => _spool is not null && _options.Spool.Mode == TapSpoolMode.Always;

    /// <summary>From the session's reader: this record (or loss report) is committed.</summary>
    public void Acknowledged(Guid id) => _acks.Enqueue(id);

    /// <summary>From a proxy thread: memory is over its cap, so the loop should move the oldest to the spool now, even mid-write.</summary>
    public void OverCap() => Wake();

    /// <summary>From a proxy thread: a frame of this execution did not fit, so all of it goes.</summary>
    public void Lost(ExecutionWriter execution)
    {
        _lost.Enqueue(execution);
        Wake();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        ProtocolSerializer.WarmUp();
        OpenSpool();
        var delay = _options.MinReconnectDelay;
        var never = Task.Delay(Timeout.Infinite, stopping);
        Task<SidecarSession?>? connecting = null;
        Task? retry = null;
        Task<bool>? readable = null;
        Task? linger = null;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                var wake = Volatile.Read(ref _wake).Task;
                if (_session is null && connecting is null && retry is null)
                {
                    connecting = TryConnectAsync(stopping);
                }

                if (connecting is { IsCompleted: true })
                {
                    var session = await connecting.ConfigureAwait(false);
                    connecting = null;
                    if (session is null)
                    {
                        retry = Task.Delay(Jitter(delay), _time, stopping);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxReconnectDelay.Ticks));
                    }
                    else
                    {
                        delay = _options.MinReconnectDelay;
                        Open(session, stopping);
                    }
                }

                if (retry is { IsCompleted: true })
                {
                    retry = null;
                    continue;
                }

                if (_writing is { IsCompleted: true })
                {
                    var full = _used >= BatchBytes;
                    await EndWriteAsync().ConfigureAwait(false);
                    linger = _session is null || full ? null : Task.Delay(Linger, _time, stopping);
                }

                if (linger is { IsCompleted: true })
                {
                    linger = null;
                }

                if (_sessionClosed is { IsCompleted: true })
                {
                    await CloseSessionAsync("the sidecar closed the connection").ConfigureAwait(false);
                }

                // A connection that died in a write must be replaced now, not when the proxy next reports a frame.
                if (_session is null && connecting is null && retry is null)
                {
                    continue;
                }

                TakeAcknowledgements();
                DropLost();
                Stage();
                KeepWithinMemoryCap();
                ReportLosses();
                if (_session is { } open && _writing is null && linger is null)
                {
                    Fill();
                    if (_used > 0)
                    {
                        _writing = WriteBatchAsync(open, _writeCancel!.Token);
                        if (_writing.IsCompleted)
                        {
                            continue;
                        }
                    }
                }

                var buffered = _writing is not null ? Task.Delay(WritingPoll, _time, stopping)
                    : linger ?? (readable ??= _buffer.Reader.WaitToReadAsync(stopping).AsTask());
                await Task.WhenAny(buffered, wake, connecting ?? retry ?? never, _sessionClosed ?? never, _writing ?? never).ConfigureAwait(false);
                if (readable is { IsCompleted: true })
                {
                    if (!readable.IsCompletedSuccessfully || !readable.Result)
                    {
                        return;
                    }

                    readable = null;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        finally
        {
            await CloseSessionAsync("the client is shutting down").ConfigureAwait(false);
            if (connecting is not null)
            {
                // A connection that opened as the client stopped is closed at once; one that failed is already gone.
                await ((Task)connecting).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                if (connecting.IsCompletedSuccessfully && connecting.Result is { } late)
                {
                    await late.DisposeAsync().ConfigureAwait(false);
                }
            }

            LeaveInSpool();
        }
    }

    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task<SidecarSession?> TryConnectAsync(CancellationToken stopping)
    {
        try
        {
            return await SidecarSession.ConnectAsync(_options, _hello, Acknowledged, Wake, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref _counters.ConnectFailures);
            ShimEventSource.Log.ConnectFailed(_options.Endpoint, ex.Message);
            if (ex is HandshakeRefusedException)
            {
                await Task.Delay(_options.MaxReconnectDelay, _time, stopping).ConfigureAwait(false);
            }

            return null;
        }
    }

    /// <summary>A new connection: everything not yet acknowledged goes out again, oldest first, before any new frame.</summary>
    private void Open(SidecarSession session, CancellationToken stopping)
    {
        _session = session;
        _sessionClosed = Task.Delay(Timeout.Infinite, session.Closed);
        _writeCancel = CancellationTokenSource.CreateLinkedTokenSource(session.Closed, stopping);
        _epoch++;
        Interlocked.Increment(ref _counters.Connects);
        Connected?.Invoke(session.MaxFrameBytes);
        ShimEventSource.Log.Connected(_options.Endpoint);
        foreach (var entry in _ledger.InOrder)
        {
            entry.Sent = 0;
            entry.SentEpoch = _epoch;
            Enqueue(entry);
        }
    }

    private void Enqueue(LedgerEntry entry)
    {
        if (!entry.Queued)
        {
            entry.Queued = true;
            _unsent.Enqueue(entry);
        }
    }

    private void TakeAcknowledgements()
    {
        while (_acks.TryDequeue(out var id))
        {
            if (_ledger.Find(id) is { } entry)
            {
                _ledger.Remove(entry);
                Interlocked.Increment(ref entry.IsReport ? ref _counters.LossReportsAcknowledged : ref _counters.ExecutionsAcknowledged);
            }
        }
    }

    /// <summary>Copies what is due on this connection into the batch, oldest entry first, up to 64 KiB.</summary>
    private void Fill()
    {
        while (_closings.TryPeek(out var end) && _used + end.Length <= _batch.Length)
        {
            _closings.Dequeue();
            end.Buffer.AsSpan(0, end.Length).CopyTo(_batch.AsSpan(_used));
            _used += end.Length;
            end.Return();
        }

        while (_used < BatchBytes && _unsent.TryPeek(out var entry))
        {
            if (!entry.Removed && !CopyFrames(entry))
            {
                return;
            }

            _unsent.Dequeue();
            entry.Queued = false;
        }
    }

    /// <summary>False when the batch filled up before all the entry's due frames were in it.</summary>
    private bool CopyFrames(LedgerEntry entry)
    {
        while (entry.Sent < entry.Frames.Count)
        {
            var index = entry.Sent;
            var frame = entry.Frames[index];
            if (_used >= BatchBytes || _used + frame.Length > _batch.Length)
            {
                return false;
            }

            var target = _batch.AsSpan(_used, frame.Length);
            if (frame.Buffer is { } held)
            {
                held.AsSpan(frame.BufferOffset, frame.Length).CopyTo(target);
            }
            else if (DiskSpool.Read(frame, target))
            {
                Interlocked.Increment(ref _counters.FramesReadFromSpool);
            }
            else
            {
                Drop(entry, LossReasons.SpoolCorrupt);
                return true;
            }

            _used += frame.Length;
            entry.Sent = index + 1;
            entry.SentEpoch = _epoch;
            if (frame.IsEnd)
            {
                entry.EndSentEpoch = _epoch;
            }

            if (entry.Owner is null)
            {
                continue;
            }

            if (index >= entry.EverWritten)
            {
                entry.EverWritten = index + 1;
                Interlocked.Increment(ref _counters.FramesWritten);
                Settle(entry, index + 1);
            }
            else
            {
                Interlocked.Increment(ref _counters.FramesReplayed);
            }
        }

        return true;
    }

    private void Settle(LedgerEntry entry, int upTo)
    {
        if (entry.Owner is not null && upTo > entry.Settled)
        {
            Interlocked.Add(ref _counters.FramesSettled, upTo - entry.Settled);
            entry.Settled = upTo;
        }
    }

    private async Task WriteBatchAsync(SidecarSession session, CancellationToken cancellationToken)
    {
        await session.Stream.WriteAsync(_batch.AsMemory(0, _used), cancellationToken).ConfigureAwait(false);
        await session.Stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task EndWriteAsync()
    {
        var writing = _writing!;
        _writing = null;
        try
        {
            await writing.ConfigureAwait(false);
            Interlocked.Add(ref _counters.BytesWritten, _used);
            _used = 0;
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            await CloseSessionAsync(ex.Message).ConfigureAwait(false);
        }
    }

    /// <summary>Closes the connection; a write still waiting on the sidecar is abandoned with it (the stop token or this cancels it).</summary>
    private async Task CloseSessionAsync(string reason)
    {
        if (_session is not { } session)
        {
            return;
        }

        _session = null;
        _sessionClosed = null;
        ShimEventSource.Log.Disconnected(reason);
        await _writeCancel!.CancelAsync().ConfigureAwait(false);
        await session.DisposeAsync().ConfigureAwait(false);
        if (_writing is { } writing)
        {
            _writing = null;
            await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        RefuseReportsIfTheSidecarCannotTakeThem(session.LastErrorCode);

        _used = 0;
        _writeCancel.Dispose();
        _writeCancel = null;
        while (_unsent.TryDequeue(out var entry))
        {
            entry.Queued = false;
        }

        while (_closings.TryDequeue(out var end))
        {
            end.Return();
        }
    }

    private static TimeSpan Jitter(TimeSpan wait) =>
        TimeSpan.FromTicks((long)(wait.Ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));
}
