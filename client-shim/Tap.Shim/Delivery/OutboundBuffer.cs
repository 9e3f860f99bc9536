using System.Buffers;
using System.Threading.Channels;

namespace Tap.Shim.Delivery;

/// <summary>
/// The bounded hand-off between the proxy's threads and the single writer. Each execution stages its frames in pooled
/// segments of its own (<see cref="ExecutionWriter"/>); what crosses to the writer is the execution, once per batch of
/// frames, not each frame, and what is counted against the cap is each segment, once, when it is rented. Bounded in
/// bytes, not items, because chunks vary from a few bytes to a megabyte; a segment that does not fit is refused at once.
/// The bytes counted are the pooled arrays' lengths: the pool rounds up to a power of two, so counting frames let the
/// buffer hold up to twice its cap in memory (measured in bench/, docs/benchmarks.md).
/// </summary>
internal sealed class OutboundBuffer(long maxBytes)
{
    // End frames get a little room beyond the cap so that executions can still be closed under pressure.
    private const long EndHeadroomBytes = 64 * 1024;

    private readonly Channel<ExecutionWriter> _channel = Channel.CreateUnbounded<ExecutionWriter>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Executions with frames staged since the writer last took theirs.</summary>
    public ChannelReader<ExecutionWriter> Reader => _channel.Reader;

    /// <summary>Counts a segment of <paramref name="held"/> bytes against the cap; false when it does not fit.</summary>
    public bool TryReserve(int held, bool forEnd)
    {
        var limit = forEnd ? maxBytes + EndHeadroomBytes : maxBytes;
        if (Interlocked.Add(ref _bytes, held) > limit)
        {
            Interlocked.Add(ref _bytes, -held);
            return false;
        }

        return true;
    }

    /// <summary>An execution staged frames the writer has not taken yet; false once the buffer is closed.</summary>
    public bool Announce(ExecutionWriter writer) => _channel.Writer.TryWrite(writer);

    /// <summary>Called once a segment is no longer needed in memory: its frames acknowledged, dropped, or moved to the spool.</summary>
    public void Release(byte[] pooled)
    {
        Interlocked.Add(ref _bytes, -pooled.Length);
        ArrayPool<byte>.Shared.Return(pooled);
    }

    public void Complete() => _channel.Writer.TryComplete();
}
