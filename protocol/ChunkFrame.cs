using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// A Chunk frame by hand. The shim writes it straight into the caller's buffer: its hot path allocates nothing but the
/// pooled copy; fixed-width integers are valid MessagePack, so any decoder reads this. The sidecar reads this same
/// layout in place, without a message object or a copy of the data; a chunk encoded any other valid way (a shim of
/// another language) goes through <see cref="ProtocolSerializer.Decode"/>.
/// </summary>
internal static class ChunkFrame
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

    /// <summary>True when <paramref name="payload"/> (a frame after its length prefix) is a Chunk exactly as <see cref="Write"/> writes it.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> executionId, out uint sequence, out long timestamp, out ReadOnlySpan<byte> data)
    {
        data = default;
        if (!ExecutionFrameHeader.TryRead(payload, MessageType.Chunk, 4, out executionId, out sequence, out timestamp, out var p)
            || payload.Length < p + 5 || payload[p] != 0xc6
            || BinaryPrimitives.ReadUInt32BigEndian(payload[(p + 1)..]) != (uint)(payload.Length - p - 5))
        {
            return false;
        }

        data = payload[(p + 5)..];
        return true;
    }
}
