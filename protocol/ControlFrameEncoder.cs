using System.Buffers.Binary;
using System.Text;

namespace Tap.Protocol;

/// <summary>
/// Writes the shim's per-execution control frames but Start by hand, as <see cref="ChunkFrame"/> does chunks:
/// Response, a Signal without text (UpstreamEnd, ClientAborted, DrainStarted) and End are in every execution, and
/// MessagePack's serializer costs more than the rest of the frame's path (issue 16). Fields as the message classes key
/// them; a string field is nil or str8, so text over 255 UTF-8 bytes goes through <see cref="ProtocolSerializer"/>.
/// </summary>
internal static class ControlFrameEncoder
{
    public const int MaxInlineTextBytes = 255;

    // DroppedFrames as a fixint.
    public const int EndLength = ExecutionFrameHeader.Bytes + 1;

    // Kind as a fixint, ErrorKind and Message nil.
    public const int SignalLength = ExecutionFrameHeader.Bytes + 3;

    /// <summary>StatusCode as int32, ContentType as nil or str8.</summary>
    public static int ResponseLength(int contentTypeBytes) => ExecutionFrameHeader.Bytes + 5 + (contentTypeBytes < 0 ? 1 : 2 + contentTypeBytes);

    /// <summary>The UTF-8 length of a content type, -1 for none; over <see cref="MaxInlineTextBytes"/> it is not hand-encoded.</summary>
    public static int TextBytes(string? text) => text is null ? -1 : Encoding.UTF8.GetByteCount(text);

    public static void WriteEnd(Span<byte> destination, ReadOnlySpan<byte> executionId, uint sequence, long timestamp)
    {
        var p = ExecutionFrameHeader.Write(destination, EndLength, MessageType.End, 4, executionId, sequence, timestamp);
        destination[p] = 0;
    }

    public static void WriteSignal(Span<byte> destination, SignalKind kind, ReadOnlySpan<byte> executionId, uint sequence, long timestamp)
    {
        var p = ExecutionFrameHeader.Write(destination, SignalLength, MessageType.Signal, 6, executionId, sequence, timestamp);
        destination[p++] = (byte)kind;
        destination[p++] = 0xc0;
        destination[p] = 0xc0;
    }

    public static void WriteResponse(Span<byte> destination, int statusCode, string? contentType, int contentTypeBytes, ReadOnlySpan<byte> executionId, uint sequence, long timestamp)
    {
        var p = ExecutionFrameHeader.Write(destination, ResponseLength(contentTypeBytes), MessageType.Response, 5, executionId, sequence, timestamp);
        destination[p++] = 0xd2;
        BinaryPrimitives.WriteInt32BigEndian(destination[p..], statusCode);
        p += 4;
        if (contentType is null)
        {
            destination[p] = 0xc0;
            return;
        }

        destination[p++] = 0xd9;
        destination[p++] = (byte)contentTypeBytes;
        Encoding.UTF8.GetBytes(contentType, destination[p..]);
    }
}
