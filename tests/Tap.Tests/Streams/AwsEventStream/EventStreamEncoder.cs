using System.Buffers.Binary;
using System.Text;

namespace Tap.Tests.Streams.AwsEventStream;

/// <summary>
/// Builds AWS event-stream messages byte-exact from AWS's documented framing
/// (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html): prelude (total length, headers length, CRC32 of
/// both), headers, payload, CRC32 of everything before it; big-endian. Its CRC32 is written here from the gzip
/// definition (reflected polynomial 0xEDB88320), not taken from the library the parser uses, so the two check each other.
/// </summary>
internal static class EventStreamEncoder
{
    /// <summary>The prelude (12 bytes) and the message checksum (4).</summary>
    private const int Overhead = 16;

    private static readonly uint[] CrcTable = BuildCrcTable();

    /// <summary>An <c>event</c> message with a JSON payload, as Bedrock sends each stream event.</summary>
    public static byte[] Event(string eventType, string json) =>
        Message([(":event-type", eventType), (":content-type", "application/json"), (":message-type", "event")], Encoding.UTF8.GetBytes(json));

    /// <summary>An <c>exception</c> message: a modeled error such as <c>throttlingException</c>, its JSON in the payload.</summary>
    public static byte[] Exception(string exceptionType, string json) =>
        Message([(":exception-type", exceptionType), (":content-type", "application/json"), (":message-type", "exception")], Encoding.UTF8.GetBytes(json));

    /// <summary>An <c>error</c> message: the code and message in headers, no payload.</summary>
    public static byte[] Error(string code, string message) =>
        Message([(":error-code", code), (":error-message", message), (":message-type", "error")], []);

    /// <summary>
    /// One message. A header value's CLR type picks its wire type: bool (0/1), sbyte (2), short (3), int (4), long (5),
    /// byte[] (6), string (7), DateTimeOffset (8, milliseconds), Guid (9).
    /// </summary>
    public static byte[] Message(IEnumerable<(string Name, object Value)> headers, byte[] payload)
    {
        var headerBytes = new List<byte>();
        foreach (var (name, value) in headers)
        {
            var nameBytes = Encoding.UTF8.GetBytes(name);
            headerBytes.Add((byte)nameBytes.Length);
            headerBytes.AddRange(nameBytes);
            headerBytes.AddRange(HeaderValue(value));
        }

        var total = Overhead + headerBytes.Count + payload.Length;
        var message = new byte[total];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)total);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(8), Crc32(message.AsSpan(0, 8)));
        headerBytes.CopyTo(message, 12);
        payload.CopyTo(message, 12 + headerBytes.Count);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(total - 4), Crc32(message.AsSpan(0, total - 4)));
        return message;
    }

    /// <summary>Rewrites a message's checksums after a test changed its bytes, so that only the change is wrong.</summary>
    public static byte[] Reseal(byte[] message)
    {
        var copy = (byte[])message.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(8), Crc32(copy.AsSpan(0, 8)));
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(copy.Length - 4), Crc32(copy.AsSpan(0, copy.Length - 4)));
        return copy;
    }

    public static uint Crc32(ReadOnlySpan<byte> bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return ~crc;
    }

    private static byte[] HeaderValue(object value)
    {
        switch (value)
        {
            case bool flag:
                return [flag ? (byte)0 : (byte)1];
            case sbyte small:
                return [2, unchecked((byte)small)];
            case short number:
                return [3, .. BigEndian(number, 2)];
            case int number:
                return [4, .. BigEndian(number, 4)];
            case long number:
                return [5, .. BigEndian(number, 8)];
            case byte[] bytes:
                return [6, .. BigEndian(bytes.Length, 2), .. bytes];
            case string text:
                var utf8 = Encoding.UTF8.GetBytes(text);
                return [7, .. BigEndian(utf8.Length, 2), .. utf8];
            case DateTimeOffset time:
                return [8, .. BigEndian(time.ToUnixTimeMilliseconds(), 8)];
            case Guid id:
                return [9, .. id.ToByteArray(bigEndian: true)];
            default:
                throw new ArgumentException($"No event-stream header type for {value.GetType()}.", nameof(value));
        }
    }

    private static byte[] BigEndian(long value, int size)
    {
        var bytes = new byte[size];
        for (var i = size - 1; i >= 0; i--)
        {
            bytes[i] = (byte)value;
            value >>= 8;
        }

        return bytes;
    }

    private static uint[] BuildCrcTable()
    {
        var table = new uint[256];
        for (var n = 0u; n < 256; n++)
        {
            var c = n;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[n] = c;
        }

        return table;
    }
}
