using System.Collections.Concurrent;
using Tap.Shim.Diagnostics;
using Tap.Shim.Protocol;

namespace Tap.Shim.Core;

/// <summary>
/// The client's one background consumer. It moves every reported frame into the ledger (connected or not),
/// writes it when a connection is up, replays everything not yet acknowledged on each new connection, and
/// keeps the buffer within its cap by dropping whole executions, oldest first. All I/O happens here.
/// </summary>
internal sealed class DeliveryLoop(TapClientOptions options, OutboundBuffer buffer, ShimCounters counters, TimeProvider time, Func<HelloMessage> hello)
{
    private const int BatchBytes = 64 * 1024;

    // After a write the loop rests this long before it waits on the buffer again. A waiting loop is woken by the
    // proxy thread that enqueues the next frame: one thread-pool wake-up per frame, paid partly on the proxy's
    // thread. Resting lets frames queue without waking anyone and leave together in one write; only a frame's
    // delivery to the sidecar waits, never the proxy (docs/benchmarks.md).
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);
    private readonly ExecutionLedger _ledger = new(buffer, counters);
    private readonly ConcurrentQueue<Guid> _acks = new();
    private readonly ConcurrentQueue<TapExecution> _lost = new();
    private readonly byte[] _batch = new byte[BatchBytes];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _used;
    private int _framesInBatch;
    private volatile SidecarSession? _session;
    private Task? _sessionClosed;
    private long _epoch;

    public bool IsConnected => _session is not null;

    /// <summary>Called with the negotiated frame size whenever a connection opens.</summary>
    public Action<int>? Connected { get; set; }

    /// <summary>From the session's reader: these records are committed.</summary>
    public void Acknowledged(byte[][] ids)
    {
        foreach (var id in ids)
        {
            if (id.Length == ProtocolConstants.ExecutionIdBytes)
            {
                _acks.Enqueue(ExecutionIds.FromBytes(id));
            }
        }

        Wake();
    }

    /// <summary>From a proxy thread: a frame of this execution did not fit, so all of it goes.</summary>
    public void Lost(TapExecution execution)
    {
        _lost.Enqueue(execution);
        Wake();
    }

    public async Task RunAsync(CancellationToken stopping)
    {
        ProtocolSerializer.WarmUp();
        var delay = options.MinReconnectDelay;
        Task<SidecarSession?>? connecting = null;
        Task? retry = null;
        Task<bool>? readable = null;
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
                        retry = Task.Delay(Jitter(delay), time, stopping);
                        delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxReconnectDelay.Ticks));
                    }
                    else
                    {
                        delay = options.MinReconnectDelay;
                        await OpenAsync(session).ConfigureAwait(false);
                    }
                }

                if (retry is { IsCompleted: true })
                {
                    retry = null;
                    continue;
                }

                while (_acks.TryDequeue(out var id))
                {
                    if (_ledger.Acknowledge(id))
                    {
                        Interlocked.Increment(ref counters.ExecutionsAcknowledged);
                    }
                }

                while (_lost.TryDequeue(out var execution))
                {
                    if (_ledger.Find(execution.Id) is { } entry)
                    {
                        await DropAsync(entry).ConfigureAwait(false);
                    }
                }

                while (buffer.Reader.TryRead(out var frame))
                {
                    if (_ledger.Stage(frame) is { } entry && _session is not null)
                    {
                        await WriteAsync(entry, entry.Frames.Count - 1).ConfigureAwait(false);
                    }
                }

                var wrote = _used > 0;
                await FlushAsync().ConfigureAwait(false);
                await EvictOverCapAsync().ConfigureAwait(false);
                if (wrote && _session is not null)
                {
                    await Task.Delay(Linger, time, stopping).ConfigureAwait(false);
                }

                if (_sessionClosed is { IsCompleted: true })
                {
                    await CloseSessionAsync("the sidecar closed the connection").ConfigureAwait(false);
                    continue;
                }

                readable ??= buffer.Reader.WaitToReadAsync(stopping).AsTask();
                await Task.WhenAny(readable, wake, connecting ?? retry ?? _sessionClosed ?? Task.Delay(Timeout.Infinite, stopping)).ConfigureAwait(false);
                if (readable.IsCompleted)
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
            await FlushAsync().ConfigureAwait(false);
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

            _ledger.Clear();
        }
    }

    private void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    private async Task<SidecarSession?> TryConnectAsync(CancellationToken stopping)
    {
        try
        {
            return await SidecarSession.ConnectAsync(options, hello, Acknowledged, stopping).ConfigureAwait(false);
        }
        catch (Exception ex) when (!stopping.IsCancellationRequested)
        {
            Interlocked.Increment(ref counters.ConnectFailures);
            ShimEventSource.Log.ConnectFailed(options.Endpoint, ex.Message);
            if (ex is HandshakeRefusedException)
            {
                await Task.Delay(options.MaxReconnectDelay, time, stopping).ConfigureAwait(false);
            }

            return null;
        }
    }

    /// <summary>A new connection: everything not yet acknowledged goes out again, oldest first, before any new frame.</summary>
    private async Task OpenAsync(SidecarSession session)
    {
        _session = session;
        _sessionClosed = Task.Delay(Timeout.Infinite, session.Closed);
        _epoch++;
        Interlocked.Increment(ref counters.Connects);
        Connected?.Invoke(session.MaxFrameBytes);
        ShimEventSource.Log.Connected(options.Endpoint);
        foreach (var entry in _ledger.InOrder.ToList())
        {
            for (var i = 0; i < entry.Frames.Count && _session is not null; i++)
            {
                await WriteAsync(entry, i).ConfigureAwait(false);
            }
        }

        await FlushAsync().ConfigureAwait(false);
    }

    private async Task WriteAsync(LedgerEntry entry, int index)
    {
        var frame = entry.Frames[index];
        try
        {
            if (frame.Length > BatchBytes - _used)
            {
                await FlushCoreAsync().ConfigureAwait(false);
            }

            if (frame.Length > BatchBytes)
            {
                await _session!.Stream.WriteAsync(frame.Buffer.AsMemory(0, frame.Length), _session.Closed).ConfigureAwait(false);
                Interlocked.Add(ref counters.BytesWritten, frame.Length);
            }
            else
            {
                frame.Buffer.AsSpan(0, frame.Length).CopyTo(_batch.AsSpan(_used));
                _used += frame.Length;
                _framesInBatch++;
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            await CloseSessionAsync(ex.Message).ConfigureAwait(false);
            return;
        }

        entry.WrittenEpoch = _epoch;
        entry.EndWritten |= frame.IsEnd;
        if (index >= entry.EverWritten)
        {
            entry.EverWritten = index + 1;
            Interlocked.Increment(ref counters.FramesWritten);
            Interlocked.Increment(ref counters.FramesSettled);
        }
        else
        {
            Interlocked.Increment(ref counters.FramesReplayed);
        }
    }

    private async Task FlushAsync()
    {
        if (_session is null)
        {
            return;
        }

        try
        {
            await FlushCoreAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            await CloseSessionAsync(ex.Message).ConfigureAwait(false);
        }
    }

    private async Task FlushCoreAsync()
    {
        if (_used == 0)
        {
            return;
        }

        var session = _session!;
        await session.Stream.WriteAsync(_batch.AsMemory(0, _used), session.Closed).ConfigureAwait(false);
        await session.Stream.FlushAsync(session.Closed).ConfigureAwait(false);
        Interlocked.Add(ref counters.BytesWritten, _used);
        _used = 0;
        _framesInBatch = 0;
    }

    /// <summary>Over the cap: whole executions go, oldest first. One the sidecar already has in full only loses its replay.</summary>
    private async Task EvictOverCapAsync()
    {
        while (buffer.Bytes > options.MaxBufferedBytes && _ledger.Oldest is { } oldest)
        {
            if (oldest.EndWritten && oldest.WrittenEpoch == _epoch && _session is not null)
            {
                _ledger.Remove(oldest);
                continue;
            }

            await DropAsync(oldest).ConfigureAwait(false);
        }
    }

    /// <summary>Drops an execution whole; when the sidecar has part of it on this connection, an End marked dropped closes it there.</summary>
    private async Task DropAsync(LedgerEntry entry)
    {
        var partlySent = _session is not null && entry.WrittenEpoch == _epoch && !entry.EndWritten;
        _ledger.Remove(entry);
        var end = entry.Owner.Abandon();
        if (end is { } frame)
        {
            if (partlySent)
            {
                var closing = new LedgerEntry(entry.Owner);
                closing.Frames.Add(frame);
                await WriteAsync(closing, 0).ConfigureAwait(false);
            }

            frame.Return();
        }
    }

    private async Task CloseSessionAsync(string reason)
    {
        if (_session is not { } session)
        {
            return;
        }

        _session = null;
        _sessionClosed = null;
        _used = 0;
        _framesInBatch = 0;
        ShimEventSource.Log.Disconnected(reason);
        await session.DisposeAsync().ConfigureAwait(false);
    }

    private static TimeSpan Jitter(TimeSpan wait) =>
        TimeSpan.FromTicks((long)(wait.Ticks * (0.8 + (Random.Shared.NextDouble() * 0.4))));
}
