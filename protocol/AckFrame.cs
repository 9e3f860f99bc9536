using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// An Ack frame read in place: the shim takes every acknowledgement off its connection's buffer with no message object
/// and no array per id. The layout is the one MessagePack writes for <see cref="AckMessage"/> (the sidecar's):
/// <c>[65, [[bin8(16), ...]]]</c>, the id array's header in any of its three forms. Any other valid encoding goes through
/// <see cref="ProtocolSerializer.Decode"/>.
/// </summary>
internal static class AckFrame
{
    private const int IdBytes = 2 + ProtocolConstants.ExecutionIdBytes;

    /// <summary>
    /// True when <paramref name="payload"/> (a frame after its length prefix) is an Ack laid out so; the ids are then
    /// <paramref name="count"/> runs of 16 bytes, one every 18 from <paramref name="first"/>, as <see cref="Id"/> reads them.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out int count, out int first)
    {
        count = 0;
        first = 0;
        if (payload.Length < 4 || payload[0] != 0x92 || payload[1] != (byte)MessageType.Ack || payload[2] != 0x91)
        {
            return false;
        }

        var header = payload[3];
        (long ids, first) = header switch
        {
            >= 0x90 and <= 0x9f => ((long)(header & 0x0f), 4),
            0xdc when payload.Length >= 6 => ((long)BinaryPrimitives.ReadUInt16BigEndian(payload[4..]), 6),
            0xdd when payload.Length >= 8 => ((long)BinaryPrimitives.ReadUInt32BigEndian(payload[4..]), 8),
            _ => (-1L, 0),
        };
        if (ids < 0 || payload.Length - first != ids * IdBytes)
        {
            return false;
        }

        for (var p = first; p < payload.Length; p += IdBytes)
        {
            if (payload[p] != 0xc4 || payload[p + 1] != ProtocolConstants.ExecutionIdBytes)
            {
                return false;
            }
        }

        count = (int)ids;
        return true;
    }

    /// <summary>The <paramref name="index"/>th id of an Ack <see cref="TryRead"/> accepted.</summary>
    public static Guid Id(ReadOnlySpan<byte> payload, int first, int index) =>
        ExecutionIds.FromBytes(payload.Slice(first + (index * IdBytes) + 2, ProtocolConstants.ExecutionIdBytes));
}
