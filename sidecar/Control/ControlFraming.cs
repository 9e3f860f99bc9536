using System.Buffers.Binary;
using Tap.Protocol;

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
        try
        {
            return await FrameReader.ReadAsync(stream, maxBytes, cancellationToken);
        }
        catch (ProtocolException ex)
        {
            throw new ControlProtocolException(ex.Message);
        }
    }
}
