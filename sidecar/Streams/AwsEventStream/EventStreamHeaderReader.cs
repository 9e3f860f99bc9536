using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// Reads a message's headers: each is a name length (1 byte), the UTF-8 name, a value type (1 byte) and a value whose size
/// the type fixes, or a 2-byte length and the bytes for byte arrays and strings.
/// </summary>
internal static class EventStreamHeaderReader
{
    /// <summary>The headers, or null and why they cannot be read.</summary>
    public static List<EventStreamHeader>? Read(ReadOnlyMemory<byte> bytes, out string? error)
    {
        var headers = new List<EventStreamHeader>();
        var span = bytes.Span;
        var position = 0;
        while (position < span.Length)
        {
            var nameLength = span[position++];
            if (nameLength == 0 || position + nameLength + 1 > span.Length)
            {
                return Fail($"header {headers.Count + 1}'s name length {nameLength} does not fit the headers.", out error);
            }

            var name = span.Slice(position, nameLength);
            if (!Utf8.IsValid(name))
            {
                return Fail($"header {headers.Count + 1}'s name is not UTF-8.", out error);
            }

            position += nameLength;
            var type = span[position++];
            var size = ValueSize(type, span[position..]);
            if (size < 0 || position + size > span.Length)
            {
                return Fail($"header {Encoding.UTF8.GetString(name)} (type {type}) does not fit the headers.", out error);
            }

            var value = type is (byte)EventStreamHeaderType.ByteArray or (byte)EventStreamHeaderType.String
                ? bytes.Slice(position + 2, size - 2)
                : bytes.Slice(position, size);
            if (type == (byte)EventStreamHeaderType.String && !Utf8.IsValid(value.Span))
            {
                return Fail($"header {Encoding.UTF8.GetString(name)}'s string value is not UTF-8.", out error);
            }

            headers.Add(new EventStreamHeader(Encoding.UTF8.GetString(name), (EventStreamHeaderType)type, value));
            position += size;
        }

        error = null;
        return headers;
    }

    /// <summary>The bytes the value takes after its type byte; -1 for an unknown type or a length that is cut off.</summary>
    private static int ValueSize(byte type, ReadOnlySpan<byte> rest) => (EventStreamHeaderType)type switch
    {
        EventStreamHeaderType.BoolTrue or EventStreamHeaderType.BoolFalse => 0,
        EventStreamHeaderType.Byte => 1,
        EventStreamHeaderType.Short => 2,
        EventStreamHeaderType.Integer => 4,
        EventStreamHeaderType.Long or EventStreamHeaderType.Timestamp => 8,
        EventStreamHeaderType.Uuid => 16,
        EventStreamHeaderType.ByteArray or EventStreamHeaderType.String => rest.Length < 2 ? -1 : 2 + BinaryPrimitives.ReadUInt16BigEndian(rest),
        _ => -1,
    };

    private static List<EventStreamHeader>? Fail(string message, out string? error)
    {
        error = message;
        return null;
    }
}
