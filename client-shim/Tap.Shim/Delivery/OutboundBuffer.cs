using System.Buffers;
using System.Threading.Channels;

namespace Tap.Shim.Delivery;

/// <summary>
/// The bounded hand-off between the proxy's threads and the single writer. Bounded in bytes, not items,
/// because chunks vary from a few bytes to a megabyte; a frame that does not fit is refused at once. The bytes
/// counted are the pooled arrays' lengths, not the frames': the pool rounds up to a power of two, so counting
/// frames let the buffer hold up to twice its cap in memory (measured in bench/, docs/benchmarks.md).
/// </summary>
internal sealed class OutboundBuffer(long maxBytes)
{
    // End frames get a little room beyond the cap so that executions can still be closed under pressure.
    private const long EndHeadroomBytes = 64 * 1024;

    private readonly Channel<OutboundFrame> _channel = Channel.CreateUnbounded<OutboundFrame>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    public ChannelReader<OutboundFrame> Reader => _channel.Reader;

    public bool TryAdd(in OutboundFrame frame)
    {
        var limit = frame.IsEnd ? maxBytes + EndHeadroomBytes : maxBytes;
        var held = frame.Buffer.Length;
        if (Interlocked.Add(ref _bytes, held) > limit)
        {
            Interlocked.Add(ref _bytes, -held);
            return false;
        }

        if (_channel.Writer.TryWrite(frame))
        {
            return true;
        }

        Interlocked.Add(ref _bytes, -held);
        return false;
    }

    /// <summary>Called by the writer once a frame is no longer needed in memory: acknowledged, dropped, or moved to the spool.</summary>
    public void Release(byte[] pooled)
    {
        Interlocked.Add(ref _bytes, -pooled.Length);
        ArrayPool<byte>.Shared.Return(pooled);
    }

    public void Complete() => _channel.Writer.TryComplete();
}
