using System.Buffers;
using System.Buffers.Binary;

namespace Tap.Protocol;

/// <summary>
/// Reads the frames of docs/protocol.md ("Frames"): a 4-byte big-endian payload length, then the payload. The one home of
/// that rule for both ends, the ingest pipe and the control endpoint. A declared length over the reader's limit is refused
/// before anything is buffered, so a hostile prefix never makes a reader allocate it.
/// </summary>
internal static class FrameReader
{
    /// <summary>The payload length the next frame declares, once its prefix is all in <paramref name="buffer"/>.</summary>
    public static bool TryReadLength(in ReadOnlySequence<byte> buffer, out uint length)
    {
        if (buffer.Length < ProtocolConstants.LengthPrefixBytes)
        {
            length = 0;
            return false;
        }

        Span<byte> prefix = stackalloc byte[ProtocolConstants.LengthPrefixBytes];
        buffer.Slice(0, ProtocolConstants.LengthPrefixBytes).CopyTo(prefix);
        length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        return true;
    }

    /// <summary>
    /// Takes the next frame's payload off <paramref name="buffer"/> when it is all there.
    /// Throws <see cref="ProtocolException"/> as soon as the prefix declares more than <paramref name="maxFrameBytes"/>,
    /// or an empty payload.
    /// </summary>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (!TryReadLength(buffer, out var length))
        {
            return false;
        }

        Check(length, maxFrameBytes);
        if (buffer.Length < ProtocolConstants.LengthPrefixBytes + length)
        {
            return false;
        }

        payload = buffer.Slice(ProtocolConstants.LengthPrefixBytes, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>
    /// Reads one whole frame's payload from <paramref name="stream"/>; null when the stream ends cleanly between frames.
    /// Throws <see cref="ProtocolException"/> for a length out of range or a stream that ends inside a frame.
    /// </summary>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxFrameBytes, CancellationToken cancellationToken)
    {
        var prefix = new byte[ProtocolConstants.LengthPrefixBytes];
        var read = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            return null;
        }

        if (read < prefix.Length)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "The stream ended inside a length prefix.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        Check(length, maxFrameBytes);
        var payload = new byte[length];
        if (await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < payload.Length)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "The stream ended inside a frame.");
        }

        return payload;
    }

    private static void Check(uint length, int maxFrameBytes)
    {
        if (length > (uint)maxFrameBytes)
        {
            throw new ProtocolException(ProtocolErrorCodes.FrameTooLarge, $"Frame declares {length} bytes, outside 1..{maxFrameBytes}.");
        }

        if (length == 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Frame declares an empty payload.");
        }
    }
}
