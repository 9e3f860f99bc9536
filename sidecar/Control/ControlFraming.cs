using System.Buffers.Binary;

namespace Tap.Sidecar.Control;

/// <summary>
/// Control messages are framed like the ingest protocol, with JSON instead of MessagePack: a 4-byte big-endian
/// length, then that many bytes of UTF-8 JSON. A reader rejects a declared length above its limit before reading it.
/// </summary>
internal static class ControlFraming
{
    public static async Task WriteAsync(Stream stream, byte[] payload, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(payload);
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)payload.Length);
        await stream.WriteAsync(prefix, cancellationToken);
        await stream.WriteAsync(payload, cancellationToken);
        await stream.FlushAsync(cancellationToken);
    }

    /// <summary>The next payload, or null when the peer closed the stream cleanly between frames.</summary>
    /// <exception cref="ControlProtocolException">Empty or oversized frame, or the stream ended inside one.</exception>
    public static async Task<byte[]?> ReadAsync(Stream stream, int maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var prefix = new byte[4];
        var read = await stream.ReadAtLeastAsync(prefix, prefix.Length, throwOnEndOfStream: false, cancellationToken);
        if (read == 0)
        {
            return null;
        }

        if (read < prefix.Length)
        {
            throw new ControlProtocolException("The stream ended inside a length prefix.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length == 0 || length > (uint)maxBytes)
        {
            throw new ControlProtocolException($"A frame of {length} bytes is outside 1..{maxBytes}.");
        }

        var payload = new byte[length];
        if (await stream.ReadAtLeastAsync(payload, payload.Length, throwOnEndOfStream: false, cancellationToken) < payload.Length)
        {
            throw new ControlProtocolException("The stream ended inside a frame.");
        }

        return payload;
    }
}
