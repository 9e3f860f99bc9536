using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// Writes a Chunk frame by hand, straight into the caller's buffer: the shim's hot path allocates nothing
/// but the pooled copy. Fixed-width integers are valid MessagePack, so any decoder reads this.
/// </summary>
internal static class ChunkFrameEncoder
{
    // [type, [id, seq, ts, data]]: fixarray(2), fixint 4, fixarray(4), bin8(16) id, uint32 seq, int64 ts, bin32 data.
    public const int Overhead = ProtocolConstants.LengthPrefixBytes + 1 + 1 + 1 + (2 + ProtocolConstants.ExecutionIdBytes) + 5 + 9 + 5;

    public static int Write(Span<byte> destination, ReadOnlySpan<byte> executionId, uint sequence, long timestamp, ReadOnlySpan<byte> data)
    {
        var payloadLength = Overhead - ProtocolConstants.LengthPrefixBytes + data.Length;
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)payloadLength);
        var p = ProtocolConstants.LengthPrefixBytes;
        destination[p++] = 0x92;
        destination[p++] = (byte)MessageType.Chunk;
        destination[p++] = 0x94;
        destination[p++] = 0xc4;
        destination[p++] = ProtocolConstants.ExecutionIdBytes;
        executionId.CopyTo(destination[p..]);
        p += ProtocolConstants.ExecutionIdBytes;
        destination[p++] = 0xce;
        BinaryPrimitives.WriteUInt32BigEndian(destination[p..], sequence);
        p += 4;
        destination[p++] = 0xd3;
        BinaryPrimitives.WriteInt64BigEndian(destination[p..], timestamp);
        p += 8;
        destination[p++] = 0xc6;
        BinaryPrimitives.WriteUInt32BigEndian(destination[p..], (uint)data.Length);
        p += 4;
        data.CopyTo(destination[p..]);
        return p + data.Length;
    }
}
