using System.Numerics;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Core;

/// <summary>Moves frames from the buffer to the pipe in large writes; owned by the client's single writer.</summary>
internal sealed class BatchWriter(OutboundBuffer buffer, ShimCounters counters, TimeProvider time)
{
    private const int BatchBytes = 64 * 1024;

    // After a write the writer rests this long before it waits on the buffer again. A writer waiting on the buffer
    // is woken by the proxy thread that enqueues the next frame: one thread-pool wake-up per frame, paid partly on
    // the proxy's thread and partly as CPU the woken worker spins away. Resting lets frames queue without waking
    // anyone and leave together in one write; a full batch is still written at once (the inner loop), so only a
    // frame's delivery to the sidecar waits, never the proxy (docs/benchmarks.md).
    private static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);
    private readonly byte[] _batch = new byte[BatchBytes];
    private int _used;
    private int _framesInBatch;

    public async Task PumpAsync(SidecarSession session, long epoch)
    {
        var reader = buffer.Reader;
        var stream = session.Stream;
        var closed = session.Closed;
        while (true)
        {
            while (reader.TryRead(out var frame))
            {
                if (!frame.IsStart && frame.Owner.Epoch != epoch)
                {
                    // Its Start went out on a connection that is gone: the sidecar finalizes it on its own.
                    CountDropped(1);
                    buffer.Release(frame);
                    Interlocked.Increment(ref counters.FramesLeftBuffer);
                    continue;
                }

                if (frame.IsStart)
                {
                    frame.Owner.Epoch = epoch;
                }

                if (frame.Length > BatchBytes - _used)
                {
                    await FlushAsync(stream, closed).ConfigureAwait(false);
                }

                if (frame.Length > BatchBytes)
                {
                    await stream.WriteAsync(frame.Buffer.AsMemory(0, frame.Length), closed).ConfigureAwait(false);
                    buffer.Release(frame);
                    Interlocked.Increment(ref counters.FramesWritten);
                    Interlocked.Add(ref counters.BytesWritten, frame.Length);
                    Interlocked.Increment(ref counters.FramesLeftBuffer);
                    continue;
                }

                frame.Buffer.AsSpan(0, frame.Length).CopyTo(_batch.AsSpan(_used));
                _used += frame.Length;
                _framesInBatch++;
                buffer.Release(frame);
            }

            if (await FlushAsync(stream, closed).ConfigureAwait(false))
            {
                await Task.Delay(Linger, time, closed).ConfigureAwait(false);
            }

            if (!await reader.WaitToReadAsync(closed).ConfigureAwait(false))
            {
                return;
            }
        }
    }

    /// <summary>Frames copied into the batch but never written are lost with the connection.</summary>
    public void DropPending()
    {
        CountDropped(_framesInBatch);
        Interlocked.Add(ref counters.FramesLeftBuffer, _framesInBatch);
        _used = 0;
        _framesInBatch = 0;
    }

    public void CountDropped(long frames)
    {
        if (frames == 0)
        {
            return;
        }

        var total = Interlocked.Add(ref counters.FramesDropped, frames);

        // Reported when the total crosses a power of two: the first drop always, a flood only logarithmically.
        if (BitOperations.Log2((ulong)total) != BitOperations.Log2((ulong)(total - frames)) || total == frames)
        {
            ShimEventSource.Log.FramesDropped(total);
        }
    }

    /// <summary>Writes the batch; false when it was empty.</summary>
    private async Task<bool> FlushAsync(Stream stream, CancellationToken closed)
    {
        if (_used == 0)
        {
            return false;
        }

        await stream.WriteAsync(_batch.AsMemory(0, _used), closed).ConfigureAwait(false);
        await stream.FlushAsync(closed).ConfigureAwait(false);
        Interlocked.Add(ref counters.FramesWritten, _framesInBatch);
        Interlocked.Add(ref counters.BytesWritten, _used);
        Interlocked.Add(ref counters.FramesLeftBuffer, _framesInBatch);
        _used = 0;
        _framesInBatch = 0;
        return true;
    }
}
