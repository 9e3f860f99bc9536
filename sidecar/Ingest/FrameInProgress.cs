using System.Buffers;
using System.IO.Pipelines;
using Tap.Protocol;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// The frame one connection has begun to receive and not yet whole: its share of the <see cref="PartialFrameBudget"/>
/// and its time limit (Tap:Ingest:FrameTimeout). Only time spent waiting for the shim's bytes counts against the
/// limit: a wait for room in the budget or in the store is the sidecar's doing, not the shim's.
/// </summary>
internal sealed class FrameInProgress(PartialFrameBudget budget, TimeSpan timeout, TimeProvider time)
{
    /// <summary>
    /// Frames up to one read buffer never wait for the budget: every connection may hold that much anyway, so the
    /// chunks of a good shim flow while large frames queue.
    /// </summary>
    public const int UnreservedBytes = 64 * 1024;

    private bool _inProgress;
    private long _reserved;
    private long _frameBytes;
    private TimeSpan _waited;

    /// <summary>Reads on, closing the connection (frame_timeout) when the frame in progress is not whole in time.</summary>
    public async ValueTask<ReadResult> ReadAsync(PipeReader reader, CancellationToken stopping)
    {
        if (!_inProgress)
        {
            return await reader.ReadAsync(stopping);
        }

        var left = timeout - _waited;
        if (left <= TimeSpan.Zero)
        {
            throw TimedOut();
        }

        using var limit = new CancellationTokenSource(left, time);
        using var reading = CancellationTokenSource.CreateLinkedTokenSource(stopping, limit.Token);
        var started = time.GetTimestamp();
        try
        {
            return await reader.ReadAsync(reading.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !stopping.IsCancellationRequested)
        {
            throw TimedOut();
        }
        finally
        {
            _waited += time.GetElapsedTime(started);
        }
    }

    /// <summary>
    /// Takes note of what is left after the whole frames of a read were handled: <paramref name="rest"/> is a frame's
    /// beginning or empty; <paramref name="newFrame"/> tells whether it began in this read. A large new frame waits
    /// here until the budget has room for all of it.
    /// </summary>
    public Task TrackAsync(ReadOnlySequence<byte> rest, bool newFrame, CancellationToken cancellationToken)
    {
        if (rest.IsEmpty)
        {
            Reset();
            return Task.CompletedTask;
        }

        if (!_inProgress || newFrame)
        {
            Reset();
            _inProgress = true;
        }

        _frameBytes = DeclaredBytes(rest);
        return _reserved == 0 && _frameBytes > UnreservedBytes ? ReserveAsync(_frameBytes, cancellationToken) : Task.CompletedTask;
    }

    /// <summary>No frame in progress any more (it completed, or the connection is closing): its reservation goes back.</summary>
    public void Reset()
    {
        budget.Release(_reserved);
        _reserved = 0;
        _frameBytes = 0;
        _inProgress = false;
        _waited = TimeSpan.Zero;
    }

    private async Task ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        await budget.AcquireAsync(bytes, cancellationToken);
        _reserved = bytes;
    }

    // The whole frame, prefix included, once its prefix has arrived; until then no more than the prefix.
    private static long DeclaredBytes(ReadOnlySequence<byte> rest) =>
        FrameReader.TryReadLength(rest, out var length) ? ProtocolConstants.LengthPrefixBytes + (long)length : rest.Length;

    private ProtocolException TimedOut() => new(
        ProtocolErrorCodes.FrameTimeout,
        $"A frame of {_frameBytes} bytes did not arrive whole within {timeout.TotalSeconds:0.#} s (Tap:Ingest:FrameTimeout).");
}
