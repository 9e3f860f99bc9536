using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// The start every hand-encoded execution frame shares: length prefix, then <c>[type, [id, seq, ts, ...]]</c> with
/// fixed-width integers, which are valid MessagePack, so any decoder reads them.
/// </summary>
internal static class ExecutionFrameHeader
{
    // Length prefix, fixarray(2), fixint type, fixarray(n), bin8(16) id, uint32 seq, int64 ts.
    public const int Bytes = ProtocolConstants.LengthPrefixBytes + 1 + 1 + 1 + (2 + ProtocolConstants.ExecutionIdBytes) + 5 + 9;

    /// <summary>Writes the header of a frame of <paramref name="frameLength"/> bytes whose body has <paramref name="fields"/> fields (at most 15); returns where the fourth field starts.</summary>
    public static int Write(Span<byte> destination, int frameLength, MessageType type, int fields, ReadOnlySpan<byte> executionId, uint sequence, long timestamp)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, (uint)(frameLength - ProtocolConstants.LengthPrefixBytes));
        var p = ProtocolConstants.LengthPrefixBytes;
        destination[p++] = 0x92;
        destination[p++] = (byte)type;
        destination[p++] = (byte)(0x90 | fields);
        destination[p++] = 0xc4;
        destination[p++] = ProtocolConstants.ExecutionIdBytes;
        executionId.CopyTo(destination[p..]);
        p += ProtocolConstants.ExecutionIdBytes;
        destination[p++] = 0xce;
        BinaryPrimitives.WriteUInt32BigEndian(destination[p..], sequence);
        p += 4;
        destination[p++] = 0xd3;
        BinaryPrimitives.WriteInt64BigEndian(destination[p..], timestamp);
        return p + 8;
    }

    /// <summary>
    /// Reads the header <see cref="Write"/> writes from a frame's <paramref name="payload"/> (after its length prefix):
    /// false for any other encoding of the same values, which the MessagePack decoder then reads. Returns where the
    /// fourth field starts.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, MessageType type, int fields, out ReadOnlySpan<byte> executionId, out uint sequence, out long timestamp, out int next)
    {
        const int Length = Bytes - ProtocolConstants.LengthPrefixBytes;
        executionId = default;
        sequence = 0;
        timestamp = 0;
        next = Length;
        if (payload.Length < Length
            || payload[0] != 0x92 || payload[1] != (byte)type || payload[2] != (byte)(0x90 | fields)
            || payload[3] != 0xc4 || payload[4] != ProtocolConstants.ExecutionIdBytes
            || payload[5 + ProtocolConstants.ExecutionIdBytes] != 0xce || payload[10 + ProtocolConstants.ExecutionIdBytes] != 0xd3)
        {
            return false;
        }

        executionId = payload.Slice(5, ProtocolConstants.ExecutionIdBytes);
        sequence = BinaryPrimitives.ReadUInt32BigEndian(payload[(6 + ProtocolConstants.ExecutionIdBytes)..]);
        timestamp = BinaryPrimitives.ReadInt64BigEndian(payload[(11 + ProtocolConstants.ExecutionIdBytes)..]);
        return true;
    }
}
