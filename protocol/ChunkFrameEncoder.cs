using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// Writes a Chunk frame by hand, straight into the caller's buffer: the shim's hot path allocates nothing
/// but the pooled copy. Fixed-width integers are valid MessagePack, so any decoder reads this.
/// </summary>
internal static class ChunkFrameEncoder
{
    // [type, [id, seq, ts, data]]: the shared header, then bin32 data.
    public const int Overhead = ExecutionFrameHeader.Bytes + 5;

    public static int Write(Span<byte> destination, ReadOnlySpan<byte> executionId, uint sequence, long timestamp, ReadOnlySpan<byte> data)
    {
        var p = ExecutionFrameHeader.Write(destination, Overhead + data.Length, MessageType.Chunk, 4, executionId, sequence, timestamp);
        destination[p++] = 0xc6;
        BinaryPrimitives.WriteUInt32BigEndian(destination[p..], (uint)data.Length);
        p += 4;
        data.CopyTo(destination[p..]);
        return p + data.Length;
    }
}
