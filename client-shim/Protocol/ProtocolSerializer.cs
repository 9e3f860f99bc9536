using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using MessagePack.Resolvers;

namespace Tap.Shim.Protocol;

/// <summary>Encodes and decodes whole frames: length prefix plus MessagePack payload.</summary>
internal static class ProtocolSerializer
{
    // UntrustedData: frames come from other processes, so hash-collision-resistant maps and a depth limit.
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolverAllowPrivate.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(16));

    /// <summary>Writes one frame (prefix and payload) into <paramref name="writer"/>.</summary>
    public static void WriteFrame(IBufferWriter<byte> writer, ProtocolMessage message)
    {
        var payload = MessagePackSerializer.Serialize(message, Options);
        var span = writer.GetSpan(ProtocolConstants.LengthPrefixBytes + payload.Length);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)payload.Length);
        payload.CopyTo(span[ProtocolConstants.LengthPrefixBytes..]);
        writer.Advance(ProtocolConstants.LengthPrefixBytes + payload.Length);
    }

    /// <summary>One frame as a new array: for control frames, which are rare.</summary>
    public static byte[] ToFrame(ProtocolMessage message)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        WriteFrame(writer, message);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// Takes the next frame's payload off <paramref name="buffer"/> when it is all there.
    /// Throws <see cref="ProtocolException"/> as soon as the prefix declares more than <paramref name="maxFrameBytes"/>,
    /// so a hostile length never makes the reader buffer it.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxFrameBytes, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        if (buffer.Length < ProtocolConstants.LengthPrefixBytes)
        {
            return false;
        }

        Span<byte> prefix = stackalloc byte[ProtocolConstants.LengthPrefixBytes];
        buffer.Slice(0, ProtocolConstants.LengthPrefixBytes).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32BigEndian(prefix);
        if (length > (uint)maxFrameBytes)
        {
            throw new ProtocolException(
                ProtocolErrorCodes.FrameTooLarge,
                $"Frame declares {length} bytes; the limit is {maxFrameBytes}.");
        }

        if (length == 0)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Frame declares an empty payload.");
        }

        if (buffer.Length < ProtocolConstants.LengthPrefixBytes + length)
        {
            return false;
        }

        payload = buffer.Slice(ProtocolConstants.LengthPrefixBytes, length);
        buffer = buffer.Slice(payload.End);
        return true;
    }

    /// <summary>Decodes one payload into its concrete message type.</summary>
    public static ProtocolMessage Decode(ReadOnlySequence<byte> payload)
    {
        CheckEnvelope(payload);
        ProtocolMessage? message;
        try
        {
            var reader = new MessagePackReader(payload);
            message = MessagePackSerializer.Deserialize<ProtocolMessage>(ref reader, Options);
            if (!reader.End)
            {
                throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Payload has bytes after its message.");
            }
        }
        catch (MessagePackSerializationException ex)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Payload is not a valid message: " + Innermost(ex).Message, ex);
        }

        if (message is null)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Payload is nil.");
        }

        if (message is ExecutionMessage { ExecutionId.Length: not ProtocolConstants.ExecutionIdBytes } execution)
        {
            throw new ProtocolException(
                ProtocolErrorCodes.InvalidField,
                $"{message.Type} carries an execution id of {execution.ExecutionId.Length} bytes; it must be {ProtocolConstants.ExecutionIdBytes}.");
        }

        return message;
    }

    // Checked by hand first so that an unknown type gets its own error code instead of a formatter's message.
    private static void CheckEnvelope(ReadOnlySequence<byte> payload)
    {
        var reader = new MessagePackReader(payload);
        try
        {
            if (reader.NextMessagePackType != MessagePackType.Array || reader.ReadArrayHeader() != 2)
            {
                throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Payload must be a two-element array [type, body].");
            }

            if (reader.NextMessagePackType != MessagePackType.Integer)
            {
                throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Message type must be an integer.");
            }

            var type = reader.ReadInt32();
            if (!Enum.IsDefined(typeof(MessageType), type))
            {
                throw new ProtocolException(ProtocolErrorCodes.UnknownMessageType, $"Unknown message type {type}.");
            }
        }
        catch (Exception ex) when (ex is MessagePackSerializationException or EndOfStreamException or OverflowException)
        {
            throw new ProtocolException(ProtocolErrorCodes.MalformedFrame, "Payload is not a valid message envelope: " + ex.Message, ex);
        }
    }

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is not null)
        {
            ex = ex.InnerException;
        }

        return ex;
    }
}
