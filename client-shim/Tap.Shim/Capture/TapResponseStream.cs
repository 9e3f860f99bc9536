using System.Buffers;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Capture;

/// <summary>
/// The upstream response body as the proxy reads it: every read is reported as a chunk, the end of the stream
/// as upstream-end, a failure as what it was. The proxy gets exactly the bytes and exceptions it would have got.
/// With a <see cref="DrainGate"/>, reads never carry the proxy's token (canceling a read would abort the upstream
/// connection): when the client leaves, the pending read and the rest of the body go to a background drain.
/// </summary>
internal sealed class TapResponseStream(Stream inner, ResponseTap tap, DrainGate? drain = null, CancellationToken? clientAborted = null) : ReadOnlyStream
{
    private const int DrainBufferBytes = 16 * 1024;
    private Task<int>? _pending;
    private byte[]? _own;
    private int _pendingSize;
    private int _drained;
    private bool _abandoned;

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (drain is not null)
        {
            return await ReadDrainableAsync(buffer, cancellationToken).ConfigureAwait(false);
        }

        int read;
        try
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            tap.ReadFailed(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        Report(buffer.Span[..read], buffer.Length);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(Span<byte> buffer)
    {
        int read;
        try
        {
            read = inner.Read(buffer);
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            tap.ReadFailed(ex, callerCanceled: false);
            throw;
        }

        Report(buffer[..read], buffer.Length);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Disposed before the end: a drain only when the attach point knows the client left (YARP); otherwise the proxy stopped reading.
            if (clientAborted is not null && !tap.IsDraining)
            {
                TryDrain(clientLeft: null);
            }

            // A draining body owns the upstream now: disposing it would cut the drain.
            if (!tap.IsDraining)
            {
                // A read left pending by a canceled caller fails once the stream is gone: observe it, nobody else will.
                _pending?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                inner.Dispose();
            }

            tap.Disposed();
        }

        base.Dispose(disposing);
    }

    private async ValueTask<int> ReadDrainableAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        // Without the tap, a canceled read aborts the connection and every later read fails: keep that contract.
        ObjectDisposedException.ThrowIf(_abandoned, this);
        _own ??= new byte[DrainBufferBytes];
        var size = Math.Min(buffer.Length, _own.Length);
        if (_pending is null)
        {
            _pendingSize = size;
            _pending = inner.ReadAsync(_own, 0, size, CancellationToken.None);
        }
        int read;
        try
        {
            read = await _pending.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            if (!TryDrain(ex))
            {
                tap.ReadFailed(ex, callerCanceled: true);
            }

            _abandoned = true;
            throw;
        }
        catch (Exception ex) when (IsReadFailure(ex))
        {
            _pending = null;
            tap.ReadFailed(ex, callerCanceled: false);
            throw;
        }

        _pending = null;
        _own.AsSpan(0, read).CopyTo(buffer.Span);
        Report(_own.AsSpan(0, read), size);
        return read;
    }

    /// <summary>
    /// Hands the upstream to a background drain when the client is gone; false when it is not, or the cap is reached.
    /// <paramref name="clientLeft"/>: what the read saw, or null when the body was disposed (made only if it is needed:
    /// nearly every body is disposed after its end).
    /// </summary>
    private bool TryDrain(Exception? clientLeft)
    {
        if (drain is null || tap.UpstreamEnded || tap.PendingFailure is not null and not OperationCanceledException
            || !(clientAborted?.IsCancellationRequested ?? true) || Interlocked.Exchange(ref _drained, 1) != 0)
        {
            return false;
        }

        clientLeft ??= new OperationCanceledException("The client left before the response ended.");

        if (!drain.TryEnter())
        {
            tap.Fail(clientLeft, clientAborted: true);
            tap.Execution.DrainSkipped($"{drain.Options.MaxConcurrent} drains are already running");
            return false;
        }

        tap.BeginDrain(clientLeft);
        using (ExecutionContext.SuppressFlow())
        {
            _ = Task.Run(DrainAsync);
        }

        return true;
    }

    private async Task DrainAsync()
    {
        var buffer = ArrayPool<byte>.Shared.Rent(DrainBufferBytes);
        using var budget = new CancellationTokenSource(drain!.Options.Timeout);
        long total = 0;
        try
        {
            var read = _pending is { } pending ? await pending.WaitAsync(budget.Token).ConfigureAwait(false) : -1;
            if (read == 0 && _pendingSize == 0)
            {
                // That was a zero-byte read (waiting for data), not the end of the body.
                read = -1;
            }
            if (read > 0)
            {
                tap.Data(_own.AsSpan(0, read));
                total += read;
            }

            while (read != 0 && total < drain.Options.MaxBytes)
            {
                read = await inner.ReadAsync(buffer, budget.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    tap.EndOfStream();
                }
                else
                {
                    tap.Data(buffer.AsSpan(0, read));
                    total += read;
                }
            }
        }
        catch (Exception ex)
        {
            // The budget ran out or the upstream failed: what was drained is reported, the rest is not waited for.
            ShimEventSource.Log.DrainStopped(ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            await inner.DisposeAsync().ConfigureAwait(false);
            drain.Exit();
            tap.DrainFinished();
        }
    }

    // A zero-byte read into an empty buffer only waits for data (YARP's copier does this); it is not the end.
    private void Report(ReadOnlySpan<byte> data, int requested)
    {
        if (data.IsEmpty && requested > 0)
        {
            tap.EndOfStream();
        }
        else if (!data.IsEmpty)
        {
            tap.Data(data);
        }
    }

    private static bool IsReadFailure(Exception ex) =>
        ex is IOException or HttpRequestException or OperationCanceledException or ObjectDisposedException;
}
