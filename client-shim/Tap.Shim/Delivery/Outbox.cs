using Tap.Protocol;
using Tap.Shim.Diagnostics;

namespace Tap.Shim.Delivery;

/// <summary>
/// Where the proxy's threads hand frames to delivery: admission into the bounded buffer that never blocks, the counts
/// of what was refused, and the clock frames are stamped with. Everything on the far side belongs to the
/// <see cref="DeliveryLoop"/>.
/// </summary>
internal sealed class Outbox(TapClientOptions options, OutboundBuffer buffer, ShimCounters counters, DeliveryLoop delivery, TimeProvider time)
{
    private volatile int _maxChunkData = options.MaxFrameBytes - ChunkFrame.Overhead;
    private int _closed;

    /// <summary>The most data bytes one Chunk frame carries on the current connection.</summary>
    public int MaxChunkData => _maxChunkData;

    /// <summary>From the delivery loop: a connection opened with this frame size.</summary>
    public void Connected(int maxFrameBytes) => _maxChunkData = Math.Min(maxFrameBytes, options.MaxFrameBytes) - ChunkFrame.Overhead;

    /// <summary>The client is being disposed: from now on every new segment is refused (and its execution dropped).</summary>
    public void Close() => Volatile.Write(ref _closed, 1);

    public long NowWire() => Timestamps.ToWire(time.GetUtcNow());

    /// <summary>A new staging segment of at least this many bytes, counted against the cap; null when it does not fit or the client is closed.</summary>
    public byte[]? TryRent(int size, bool forEnd)
    {
        if (Volatile.Read(ref _closed) != 0 || buffer.TryRent(size, forEnd) is not { } segment)
        {
            return null;
        }

        if (buffer.Bytes > options.MaxBufferedBytes)
        {
            delivery.OverCap();
        }

        return segment;
    }

    /// <summary>The execution staged frames since the loop last took them.</summary>
    public void Announce(ExecutionWriter writer) => buffer.Announce(writer);

    public void Release(byte[] segment) => buffer.Release(segment);

    public void CountFrameQueued() => counters.FramesQueued.Increment();

    /// <summary>Frames staged but never taken by the loop, of an execution dropped whole.</summary>
    public void CountFramesDiscarded(int frames)
    {
        if (frames > 0)
        {
            Interlocked.Add(ref counters.FramesDropped, frames);
            Interlocked.Add(ref counters.FramesSettled, frames);
        }
    }

    public void CountFrameDropped()
    {
        var total = Interlocked.Increment(ref counters.FramesDropped);
        Interlocked.Increment(ref counters.FramesSettled);

        // Powers of two: the first drop is always reported, a flood only logarithmically.
        if ((total & (total - 1)) == 0)
        {
            ShimEventSource.Log.FramesDropped(total);
        }
    }

    public void CountExecutionDropped() => Interlocked.Increment(ref counters.ExecutionsDropped);

    /// <summary>A frame of this execution did not fit, so the delivery loop drops all of it.</summary>
    public void ExecutionLost(ExecutionWriter execution) => delivery.Lost(execution);
}
