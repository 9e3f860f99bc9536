using System.Buffers.Binary;
using System.IO.Hashing;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// Incremental parser of the AWS event-stream framing (<c>application/vnd.amazon.eventstream</c>,
/// https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html): each message is a 12-byte prelude (total length,
/// headers length, CRC32 of those 8 bytes), the headers, the payload and a CRC32 of everything before it, all big-endian.
/// Bytes may be cut anywhere. A message is dispatched only once both checksums match; a declared length is checked
/// against the limit before anything is buffered, so memory stays under one message. On a bad checksum, length or header
/// the parser faults and stops dispatching, but keeps counting.
/// </summary>
internal sealed class EventStreamParser
{
    public const int PreludeBytes = 12;

    /// <summary>The prelude and the message checksum: the size of a message with no headers and no payload.</summary>
    public const int OverheadBytes = PreludeBytes + 4;

    /// <summary>AWS's own event-stream decoders refuse messages over 16 MiB (awslabs/aws-c-event-stream).</summary>
    public const int DefaultMaxMessageBytes = 16 * 1024 * 1024;

    private readonly Action<EventStreamMessage> _onMessage;
    private readonly int _maxMessageBytes;
    private readonly byte[] _prelude = new byte[PreludeBytes];
    private int _preludeLength;
    private byte[]? _message;
    private int _messageLength;
    private bool _completed;

    public EventStreamParser(Action<EventStreamMessage> onMessage, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(onMessage);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, OverheadBytes);
        _onMessage = onMessage;
        _maxMessageBytes = maxMessageBytes;
    }

    public long MessageCount { get; private set; }

    public long ByteCount { get; private set; }

    public EventStreamFault? Fault { get; private set; }

    /// <summary>The stream ended inside a message, which was not dispatched.</summary>
    public bool Truncated { get; private set; }

    /// <summary>Bytes of a message that has not ended yet are buffered.</summary>
    public bool HasPartialMessage => _preludeLength > 0 || _message is not null;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        ByteCount += bytes.Length;
        while (!bytes.IsEmpty && Fault is null && !_completed)
        {
            if (_message is null)
            {
                var prelude = Math.Min(PreludeBytes - _preludeLength, bytes.Length);
                bytes[..prelude].CopyTo(_prelude.AsSpan(_preludeLength));
                _preludeLength += prelude;
                bytes = bytes[prelude..];
                if (_preludeLength < PreludeBytes || !TryStartMessage())
                {
                    continue;
                }
            }

            var take = Math.Min(_message!.Length - _messageLength, bytes.Length);
            bytes[..take].CopyTo(_message.AsSpan(_messageLength));
            _messageLength += take;
            bytes = bytes[take..];
            if (_messageLength == _message.Length)
            {
                FinishMessage();
            }
        }
    }

    /// <summary>The stream ended cleanly.</summary>
    public void Complete()
    {
        if (!_completed && Fault is null && HasPartialMessage)
        {
            Truncated = true;
        }

        _completed = true;
    }

    private bool TryStartMessage()
    {
        var total = BinaryPrimitives.ReadUInt32BigEndian(_prelude);
        var headers = BinaryPrimitives.ReadUInt32BigEndian(_prelude.AsSpan(4));
        var crc = BinaryPrimitives.ReadUInt32BigEndian(_prelude.AsSpan(8));

        // The prelude checksum comes first: when it fails, the lengths it covers are noise, not a size to judge.
        var actual = Crc32.HashToUInt32(_prelude.AsSpan(0, 8));
        if (actual != crc)
        {
            return Failed("prelude_crc_mismatch", $"Message {MessageCount + 1}'s prelude checksum is 0x{crc:x8}, its bytes give 0x{actual:x8}.");
        }

        if (total < OverheadBytes)
        {
            return Failed("invalid_length", $"Message {MessageCount + 1} declares {total} bytes, fewer than the {OverheadBytes} of its own framing.");
        }

        if (total > _maxMessageBytes)
        {
            return Failed("message_too_large", $"Message {MessageCount + 1} declares {total} bytes; the limit is {_maxMessageBytes}.");
        }

        if (headers > total - OverheadBytes)
        {
            return Failed("invalid_length", $"Message {MessageCount + 1} declares {headers} header bytes in a message of {total} bytes.");
        }

        _message = new byte[total];
        _prelude.CopyTo(_message, 0);
        _messageLength = PreludeBytes;
        _preludeLength = 0;
        return true;
    }

    private void FinishMessage()
    {
        var message = _message!;
        _message = null;
        _messageLength = 0;
        var crc = BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(message.Length - 4));
        var actual = Crc32.HashToUInt32(message.AsSpan(0, message.Length - 4));
        if (actual != crc)
        {
            Failed("message_crc_mismatch", $"Message {MessageCount + 1}'s checksum is 0x{crc:x8}, its bytes give 0x{actual:x8}.");
            return;
        }

        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(4));
        var headers = EventStreamHeaderReader.Read(message.AsMemory(PreludeBytes, headersLength), out var error);
        if (headers is null)
        {
            Failed("malformed_headers", $"Message {MessageCount + 1}: {error}");
            return;
        }

        var payload = message.AsMemory(PreludeBytes + headersLength, message.Length - OverheadBytes - headersLength);
        MessageCount++;
        _onMessage(new EventStreamMessage(headers, payload));
    }

    private bool Failed(string code, string message)
    {
        Fault = new EventStreamFault(code, message);
        return false;
    }
}
