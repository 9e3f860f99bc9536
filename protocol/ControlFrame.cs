using System.Buffers.Binary;
using System.Text;

namespace Tap.Protocol;

/// <summary>
/// The shim's per-execution control frames by hand, as <see cref="ChunkFrame"/> is for chunks: Start, Response, a
/// Signal without text (UpstreamEnd, ClientAborted, DrainStarted) and End are in every execution, and MessagePack's
/// serializer costs more than the rest of the frame's path (issue 16). Fields as the message classes key them, integers
/// fixed-width. In Response a string field is nil or str8, so a content type over 255 UTF-8 bytes goes through
/// <see cref="ProtocolSerializer"/>; Start's strings and body take whichever of str8/16/32 and bin8/16/32 fits.
/// The sidecar reads Response, a Signal without text and End in place in this same layout (the TryRead methods); any
/// other valid encoding goes through <see cref="ProtocolSerializer.Decode"/>.
/// </summary>
internal static class ControlFrame
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

    /// <summary>The whole Start frame's length, prefix included.</summary>
    public static int StartLength(in StartFields start) =>
        ExecutionFrameHeader.Bytes + TextLength(start.RequestId) + 5 + TextLength(start.ApiFormat) + TextLength(start.Route)
        + TextLength(start.Provider) + TextLength(start.RequestedModel) + 1 + TextLength(start.RequestPath)
        + BinaryLength(start.RequestBody.Length) + 1 + TextLength(start.TraceParent) + TextLength(start.TraceState);

    /// <summary>Writes a Start of <see cref="StartLength"/> bytes; the fields' order is <see cref="StartMessage"/>'s keys.</summary>
    public static void WriteStart(Span<byte> destination, in StartFields start, ReadOnlySpan<byte> executionId, uint sequence, long timestamp)
    {
        var p = ExecutionFrameHeader.Write(destination, StartLength(start), MessageType.Start, 15, executionId, sequence, timestamp);
        p = WriteText(destination, p, start.RequestId);
        destination[p++] = 0xd2;
        BinaryPrimitives.WriteInt32BigEndian(destination[p..], start.Attempt);
        p += 4;
        p = WriteText(destination, p, start.ApiFormat);
        p = WriteText(destination, p, start.Route);
        p = WriteText(destination, p, start.Provider);
        p = WriteText(destination, p, start.RequestedModel);
        destination[p++] = start.Stream ? (byte)0xc3 : (byte)0xc2;
        p = WriteText(destination, p, start.RequestPath);
        p = WriteBinary(destination, p, start.RequestBody);
        destination[p++] = start.RequestBodyTruncated ? (byte)0xc3 : (byte)0xc2;
        p = WriteText(destination, p, start.TraceParent);
        WriteText(destination, p, start.TraceState);
    }

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

    // nil, or the smallest of str8, str16, str32 that holds the UTF-8 bytes.
    private static int TextLength(string? text) => text is null ? 1 : Encoding.UTF8.GetByteCount(text) switch
    {
        var n and <= byte.MaxValue => 2 + n,
        var n and <= ushort.MaxValue => 3 + n,
        var n => 5 + n,
    };

    // An empty body is nil, as the serializer writes a null one.
    private static int BinaryLength(int bytes) => bytes switch
    {
        0 => 1,
        <= byte.MaxValue => 2 + bytes,
        <= ushort.MaxValue => 3 + bytes,
        _ => 5 + bytes,
    };

    private static int WriteText(Span<byte> destination, int p, string? text)
    {
        if (text is null)
        {
            destination[p] = 0xc0;
            return p + 1;
        }

        var bytes = Encoding.UTF8.GetByteCount(text);
        p = WriteLength(destination, p, bytes, 0xd9);
        return p + Encoding.UTF8.GetBytes(text, destination[p..]);
    }

    private static int WriteBinary(Span<byte> destination, int p, ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            destination[p] = 0xc0;
            return p + 1;
        }

        p = WriteLength(destination, p, data.Length, 0xc4);
        data.CopyTo(destination[p..]);
        return p + data.Length;
    }

    // str8/bin8 and the 16- and 32-bit forms follow each other: 0xd9 0xda 0xdb, 0xc4 0xc5 0xc6.
    private static int WriteLength(Span<byte> destination, int p, int length, byte eightBitCode)
    {
        if (length <= byte.MaxValue)
        {
            destination[p] = eightBitCode;
            destination[p + 1] = (byte)length;
            return p + 2;
        }

        if (length <= ushort.MaxValue)
        {
            destination[p] = (byte)(eightBitCode + 1);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(p + 1)..], (ushort)length);
            return p + 3;
        }

        destination[p] = (byte)(eightBitCode + 2);
        BinaryPrimitives.WriteUInt32BigEndian(destination[(p + 1)..], (uint)length);
        return p + 5;
    }

    /// <summary>An End exactly as <see cref="WriteEnd"/> writes it, or with a negative fixint (the shim's "dropped whole").</summary>
    public static bool TryReadEnd(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> executionId, out uint sequence, out long timestamp, out int droppedFrames)
    {
        droppedFrames = 0;
        if (!ExecutionFrameHeader.TryRead(payload, MessageType.End, 4, out executionId, out sequence, out timestamp, out var p)
            || payload.Length != p + 1 || payload[p] is > 0x7f and < 0xe0)
        {
            return false;
        }

        droppedFrames = (sbyte)payload[p];
        return true;
    }

    /// <summary>A Signal without text exactly as <see cref="WriteSignal"/> writes it; the kind is not checked here.</summary>
    public static bool TryReadSignal(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> executionId, out uint sequence, out long timestamp, out SignalKind kind)
    {
        kind = default;
        if (!ExecutionFrameHeader.TryRead(payload, MessageType.Signal, 6, out executionId, out sequence, out timestamp, out var p)
            || payload.Length != p + 3 || payload[p] > 0x7f || payload[p + 1] != 0xc0 || payload[p + 2] != 0xc0)
        {
            return false;
        }

        kind = (SignalKind)payload[p];
        return true;
    }

    /// <summary>A Response exactly as <see cref="WriteResponse"/> writes it; <paramref name="contentType"/> is null for nil.</summary>
    public static bool TryReadResponse(ReadOnlySpan<byte> payload, out ReadOnlySpan<byte> executionId, out uint sequence, out long timestamp, out int statusCode, out string? contentType)
    {
        statusCode = 0;
        contentType = null;
        if (!ExecutionFrameHeader.TryRead(payload, MessageType.Response, 5, out executionId, out sequence, out timestamp, out var p)
            || payload.Length < p + 6 || payload[p] != 0xd2)
        {
            return false;
        }

        var status = BinaryPrimitives.ReadInt32BigEndian(payload[(p + 1)..]);
        p += 5;
        if (payload[p] == 0xc0 && payload.Length == p + 1)
        {
            statusCode = status;
            return true;
        }

        if (payload[p] != 0xd9 || payload.Length < p + 2 || payload.Length != p + 2 + payload[p + 1])
        {
            return false;
        }

        statusCode = status;
        contentType = Encoding.UTF8.GetString(payload[(p + 2)..]);
        return true;
    }
}
