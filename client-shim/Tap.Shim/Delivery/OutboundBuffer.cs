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
/// Segments come from a pool of the buffer's own: they are rented on the proxy's threads and returned on the loop's,
/// often a few hundred at a time once acknowledged, and the shared pool keeps too few per size for that (a third of the
/// executions allocated a new segment at 16 streams, issue 16). It keeps idle segments of up to
/// <see cref="LargestPooledBytes"/>, for about half of <paramref name="maxBytes"/> at most; a larger one (a frame over
/// 16 KiB) comes from the shared pool, as all did before, so that the buffer's own never holds megabytes idle.
/// </summary>
internal sealed class OutboundBuffer(long maxBytes)
{
    /// <summary>The largest segment the pool keeps: the largest an execution stages into unless a frame needs more.</summary>
    public const int LargestPooledBytes = 16 * 1024;

    // End frames get a little room beyond the cap so that executions can still be closed under pressure.
    private const long EndHeadroomBytes = 64 * 1024;

    // Each size from 1 to 16 KiB may keep this many: all of them full is 31 KiB a count.
    private readonly ArrayPool<byte> _segments = ArrayPool<byte>.Create(LargestPooledBytes, (int)Math.Clamp(maxBytes / (64 * 1024), 16, 4096));

    private readonly Channel<ExecutionWriter> _channel = Channel.CreateUnbounded<ExecutionWriter>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private long _bytes;

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Executions with frames staged since the writer last took theirs.</summary>
    public ChannelReader<ExecutionWriter> Reader => _channel.Reader;

    /// <summary>A segment of at least <paramref name="size"/> bytes, counted against the cap at its whole length; null when it does not fit.</summary>
    public byte[]? TryRent(int size, bool forEnd)
    {
        var segment = size <= LargestPooledBytes ? _segments.Rent(size) : ArrayPool<byte>.Shared.Rent(size);
        var limit = forEnd ? maxBytes + EndHeadroomBytes : maxBytes;
        if (Interlocked.Add(ref _bytes, segment.Length) > limit)
        {
            Interlocked.Add(ref _bytes, -segment.Length);
            Return(segment);
            return null;
        }

        return segment;
    }

    /// <summary>An execution staged frames the writer has not taken yet; false once the buffer is closed.</summary>
    public bool Announce(ExecutionWriter writer) => _channel.Writer.TryWrite(writer);

    /// <summary>Called once a segment is no longer needed in memory: its frames acknowledged, dropped, or moved to the spool.</summary>
    public void Release(byte[] segment)
    {
        Interlocked.Add(ref _bytes, -segment.Length);
        Return(segment);
    }

    public void Complete() => _channel.Writer.TryComplete();

    // By length: the buffer's own pool hands out powers of two up to LargestPooledBytes, the shared pool anything larger.
    private void Return(byte[] segment)
    {
        if (segment.Length <= LargestPooledBytes)
        {
            _segments.Return(segment);
        }
        else
        {
            ArrayPool<byte>.Shared.Return(segment);
        }
    }
}
