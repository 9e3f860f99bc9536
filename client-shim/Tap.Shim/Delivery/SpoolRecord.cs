using System.Buffers.Binary;
using System.IO.Hashing;

namespace Tap.Shim.Delivery;

/// <summary>
/// One frame in a segment file: a 25-byte header, then the frame exactly as it goes on the wire.
/// <code>frame length: uint32 LE | crc32 of everything after it: uint32 LE | flags: byte | execution id: 16 bytes | frame</code>
/// The CRC makes a torn write (a crash mid-record) or a corrupt block visible when a later process reads the segment.
/// </summary>
internal static class SpoolRecord
{
    public const int HeaderBytes = 4 + 4 + 1 + 16;
    public const byte Start = 1;
    public const byte End = 2;
    public const byte Report = 4;
    private const byte KnownFlags = Start | End | Report;

    /// <summary>Fills <paramref name="header"/> for this frame; <paramref name="crc"/> is reused so writing allocates nothing.</summary>
    public static void WriteHeader(Span<byte> header, Crc32 crc, byte flags, ReadOnlySpan<byte> id, ReadOnlySpan<byte> frame)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, (uint)frame.Length);
        header[8] = flags;
        id.CopyTo(header[9..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], Checksum(crc, header, frame));
    }

    /// <summary>The frame length a header declares, or -1 when the header cannot be a record's.</summary>
    public static int DeclaredLength(ReadOnlySpan<byte> header, int maxFrameBytes)
    {
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        return (header[8] & ~KnownFlags) == 0 && length is > 4 && length <= (uint)maxFrameBytes ? (int)length : -1;
    }

    public static bool IsIntact(ReadOnlySpan<byte> header, Crc32 crc, ReadOnlySpan<byte> frame) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) == Checksum(crc, header, frame);

    public static byte Flags(ReadOnlySpan<byte> header) => header[8];

    public static ReadOnlySpan<byte> Id(ReadOnlySpan<byte> header) => header.Slice(9, 16);

    private static uint Checksum(Crc32 crc, ReadOnlySpan<byte> header, ReadOnlySpan<byte> frame)
    {
        crc.Reset();
        crc.Append(header[8..HeaderBytes]);
        crc.Append(frame);
        return crc.GetCurrentHashAsUInt32();
    }
}
