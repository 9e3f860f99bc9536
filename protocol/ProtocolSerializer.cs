using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using MessagePack.Resolvers;

namespace Tap.Protocol;

/// <summary>Encodes whole frames (length prefix plus MessagePack payload) and decodes payloads; <see cref="FrameReader"/> cuts them out.</summary>
internal static class ProtocolSerializer
{
    // UntrustedData: frames come from other processes, so hash-collision-resistant maps and a depth limit.
    private static readonly MessagePackSerializerOptions Options = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolverAllowPrivate.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(16));

    /// <summary>
    /// Builds every message's formatter once. MessagePack generates them on first use, which takes tens of
    /// milliseconds: paid in the background, it never delays a proxy's first request or skews its timestamps.
    /// </summary>
    public static void WarmUp()
    {
        ProtocolMessage[] samples =
        [
            new HelloMessage(), new StartMessage(), new ResponseMessage(), new ChunkMessage(), new SignalMessage(),
            new EndMessage(), new LossMessage(), new HelloReplyMessage(), new AckMessage(), new ErrorMessage(),
        ];
        foreach (var sample in samples)
        {
            if (sample is ExecutionMessage execution)
            {
                execution.ExecutionId = new byte[ProtocolConstants.ExecutionIdBytes];
            }

            var frame = ToFrame(sample);
            Decode(new ReadOnlySequence<byte>(frame, ProtocolConstants.LengthPrefixBytes, frame.Length - ProtocolConstants.LengthPrefixBytes));
        }
    }

    // Scratch space of the shim's per-execution frames, per thread. One that grew past this for a large Start
    // (a forwarded request body) is not kept, so that no proxy thread holds on to a large array.
    private const int MaxKeptScratchBytes = 4096;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? _scratch;

    /// <summary>One frame as a new array: for control frames, which are rare.</summary>
    public static byte[] ToFrame(ProtocolMessage message)
    {
        var payload = Serialize(message);
        var frame = new byte[ProtocolConstants.LengthPrefixBytes + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame, ProtocolConstants.LengthPrefixBytes);
        return frame;
    }

    /// <summary>
    /// One frame in an array rented from the shared pool, <paramref name="length"/> bytes of it used: the shim's loss
    /// reports, which its writer returns to the pool.
    /// </summary>
    public static byte[] ToPooledFrame(ProtocolMessage message, out int length)
    {
        var payload = PayloadInScratch(message);
        length = ProtocolConstants.LengthPrefixBytes + payload.Length;
        var frame = ArrayPool<byte>.Shared.Rent(length);
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)payload.Length);
        payload.CopyTo(frame.AsSpan(ProtocolConstants.LengthPrefixBytes));
        return frame;
    }

    /// <summary>
    /// The message's payload in per-thread scratch space, valid until the thread's next call: the shim copies it, after
    /// its length prefix, into the execution's staging segment, so that a frame costs no array of its own (bench/
    /// measured about 670 bytes allocated per frame when each went through <see cref="ToFrame"/> and was then copied).
    /// </summary>
    public static ReadOnlySpan<byte> PayloadInScratch(ProtocolMessage message)
    {
        var scratch = _scratch ??= new ArrayBufferWriter<byte>(256);
        scratch.ResetWrittenCount();
        WritePayload(scratch, message);
        if (scratch.Capacity > MaxKeptScratchBytes)
        {
            _scratch = null;
        }

        return scratch.WrittenSpan;
    }

    /// <summary>Decodes one payload into its concrete message type.</summary>
    public static ProtocolMessage Decode(ReadOnlySequence<byte> payload)
    {
        CheckEnvelope(payload);
        ProtocolMessage? message;
        try
        {
            var reader = new MessagePackReader(payload);
            reader.ReadArrayHeader();
            message = DeserializeBody(ref reader, (MessageType)reader.ReadInt32());
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

    // The envelope is written by hand rather than with [Union]: MessagePack's union formatter cannot see internal types.
    private static byte[] Serialize(ProtocolMessage message)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        WritePayload(buffer, message);
        return buffer.WrittenSpan.ToArray();
    }

    private static void WritePayload(IBufferWriter<byte> buffer, ProtocolMessage message)
    {
        var writer = new MessagePackWriter(buffer);
        writer.WriteArrayHeader(2);
        writer.Write((int)message.Type);
        switch (message)
        {
            case HelloMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case StartMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case ResponseMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case ChunkMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case SignalMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case EndMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case LossMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case HelloReplyMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case AckMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            case ErrorMessage m: MessagePackSerializer.Serialize(ref writer, m, Options); break;
            default: throw new ArgumentException($"No serializer for {message.GetType().Name}.", nameof(message));
        }

        writer.Flush();
    }

    private static ProtocolMessage? DeserializeBody(ref MessagePackReader reader, MessageType type) => type switch
    {
        MessageType.Hello => MessagePackSerializer.Deserialize<HelloMessage>(ref reader, Options),
        MessageType.Start => MessagePackSerializer.Deserialize<StartMessage>(ref reader, Options),
        MessageType.Response => MessagePackSerializer.Deserialize<ResponseMessage>(ref reader, Options),
        MessageType.Chunk => MessagePackSerializer.Deserialize<ChunkMessage>(ref reader, Options),
        MessageType.Signal => MessagePackSerializer.Deserialize<SignalMessage>(ref reader, Options),
        MessageType.End => MessagePackSerializer.Deserialize<EndMessage>(ref reader, Options),
        MessageType.Loss => MessagePackSerializer.Deserialize<LossMessage>(ref reader, Options),
        MessageType.HelloReply => MessagePackSerializer.Deserialize<HelloReplyMessage>(ref reader, Options),
        MessageType.Ack => MessagePackSerializer.Deserialize<AckMessage>(ref reader, Options),
        MessageType.Error => MessagePackSerializer.Deserialize<ErrorMessage>(ref reader, Options),
        _ => throw new ProtocolException(ProtocolErrorCodes.UnknownMessageType, $"Unknown message type {(int)type}."),
    };

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
