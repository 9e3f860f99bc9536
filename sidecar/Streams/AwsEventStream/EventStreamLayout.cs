using System.Buffers.Binary;
using System.IO.Hashing;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>Where the messages of a recorded AWS event stream begin and end, for tools that replay one as it was written.</summary>
internal static class EventStreamLayout
{
    /// <summary>The bytes begin with a prelude whose checksum matches: an AWS event stream.</summary>
    public static bool StartsWithMessage(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= EventStreamParser.PreludeBytes
        && Crc32.HashToUInt32(bytes[..8]) == BinaryPrimitives.ReadUInt32BigEndian(bytes[8..])
        && BinaryPrimitives.ReadUInt32BigEndian(bytes) >= EventStreamParser.OverheadBytes;

    /// <summary>The end offset of each whole message, as the lengths in the preludes declare them, up to the first that does not fit.</summary>
    public static List<long> MessageEnds(ReadOnlySpan<byte> bytes)
    {
        var ends = new List<long>();
        long position = 0;
        while (position + EventStreamParser.PreludeBytes <= bytes.Length)
        {
            var total = BinaryPrimitives.ReadUInt32BigEndian(bytes[(int)position..]);
            if (total < EventStreamParser.OverheadBytes || position + total > bytes.Length)
            {
                break;
            }

            position += total;
            ends.Add(position);
        }

        return ends;
    }
}
