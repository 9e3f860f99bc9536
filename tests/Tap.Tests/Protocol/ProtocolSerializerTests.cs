using System.Buffers;
using System.Buffers.Binary;
using MessagePack;
using Tap.Protocol;

namespace Tap.Tests.Protocol;

public class ProtocolSerializerTests
{
    private static readonly byte[] SampleId = [.. Enumerable.Range(0, 16).Select(i => (byte)i)];

    [Test]
    public void Every_message_round_trips_with_its_fields()
    {
        ProtocolMessage[] messages =
        [
            new HelloMessage { ProtocolVersion = 1, ProcessName = "gw", ProcessId = 42, HostName = "h", GatewayName = "edge", ShimVersion = "1.0", DroppedExecutions = 3 },
            new StartMessage { ExecutionId = SampleId, Sequence = 0, Timestamp = 123, RequestId = "r1", Attempt = 2, ApiFormat = "openai-chat", Route = "chat", Provider = "openai", RequestedModel = "gpt-4o", Stream = true, RequestPath = "/v1/chat/completions", RequestBody = [1, 2], RequestBodyTruncated = true },
            new ResponseMessage { ExecutionId = SampleId, Sequence = 1, Timestamp = 124, StatusCode = 200, ContentType = "text/event-stream" },
            new ChunkMessage { ExecutionId = SampleId, Sequence = 2, Timestamp = 125, Data = [104, 105] },
            new SignalMessage { ExecutionId = SampleId, Sequence = 3, Timestamp = 126, Kind = SignalKind.UpstreamError, ErrorKind = "connection_reset", Message = "reset" },
            new EndMessage { ExecutionId = SampleId, Sequence = 4, Timestamp = 127, DroppedFrames = 1 },
            new HelloReplyMessage { Accepted = true, ProtocolVersion = 1, MaxFrameBytes = 4096, ServerName = "tap" },
            new AckMessage { ExecutionIds = [SampleId, SampleId] },
            new ErrorMessage { Code = "malformed_frame", Message = "bad" },
        ];

        foreach (var message in messages)
        {
            var decoded = DecodeFrame(ProtocolSerializer.ToFrame(message));
            Assert.That(decoded, Is.TypeOf(message.GetType()).And.EqualTo(message).Using<ProtocolMessage>(SameFields), message.Type.ToString());
        }
    }

    [Test]
    public void Chunk_frame_bytes_are_exactly_those_in_the_protocol_document()
    {
        var buffer = new byte[ChunkFrame.Overhead + 5];
        var written = ChunkFrame.Write(buffer, SampleId, 2, 1_700_000_000_000_000, "hello"u8);

        var expected = Convert.FromHexString(
            "0000002d" + "92" + "04" + "94" + "c410000102030405060708090a0b0c0d0e0f" + "ce00000002" + "d300060a24181e4000" + "c6000000056865 6c6c6f".Replace(" ", ""));
        Assert.That(buffer[..written], Is.EqualTo(expected));
    }

    [Test]
    public void Hand_encoded_chunk_frame_decodes_like_a_serialized_one()
    {
        var data = new byte[3000];
        Random.Shared.NextBytes(data);
        var buffer = new byte[ChunkFrame.Overhead + data.Length];
        ChunkFrame.Write(buffer, SampleId, 7, 99, data);

        var decoded = (ChunkMessage)DecodeFrame(buffer);

        Assert.Multiple(() =>
        {
            Assert.That(decoded.ExecutionId, Is.EqualTo(SampleId));
            Assert.That(decoded.Sequence, Is.EqualTo(7));
            Assert.That(decoded.Timestamp, Is.EqualTo(99));
            Assert.That(decoded.Data, Is.EqualTo(data));
        });
    }

    [Test]
    public void Hand_encoded_chunk_frame_is_read_in_place_field_by_field()
    {
        var data = new byte[3000];
        Random.Shared.NextBytes(data);
        var frame = new byte[ChunkFrame.Overhead + data.Length];
        ChunkFrame.Write(frame, SampleId, 7, -99, data);

        var ok = ChunkFrame.TryRead(frame.AsSpan(ProtocolConstants.LengthPrefixBytes), out var idSpan, out var sequence, out var timestamp, out var dataSpan);
        var (id, read) = (idSpan.ToArray(), dataSpan.ToArray());

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(id, Is.EqualTo(SampleId));
            Assert.That(sequence, Is.EqualTo(7));
            Assert.That(timestamp, Is.EqualTo(-99));
            Assert.That(read, Is.EqualTo(data));
        });
    }

    [Test]
    public void Chunk_encoded_another_valid_way_is_left_to_the_decoder()
    {
        // A MessagePack library writes the smallest encoding of each integer, as a shim of another language would.
        var frame = ProtocolSerializer.ToFrame(new ChunkMessage { ExecutionId = SampleId, Sequence = 2, Timestamp = 1_700_000_000_000_000, Data = "hello"u8.ToArray() });

        Assert.That(ChunkFrame.TryRead(frame.AsSpan(ProtocolConstants.LengthPrefixBytes), out _, out _, out _, out _), Is.False);
        Assert.That(((ChunkMessage)DecodeFrame(frame)).Data, Is.EqualTo("hello"u8.ToArray()));
    }

    [Test]
    public void Chunk_whose_data_length_disagrees_with_its_frame_is_not_read_in_place()
    {
        var frame = new byte[ChunkFrame.Overhead + 5 + 1];
        ChunkFrame.Write(frame, SampleId, 2, 99, "hello"u8);
        var payload = frame[ProtocolConstants.LengthPrefixBytes..];
        bool Reads(byte[] bytes) => ChunkFrame.TryRead(bytes, out _, out _, out _, out _);

        // One byte more than the data declares, then one byte fewer, then a header of another type.
        var (longer, shorter, exact) = (Reads(payload), Reads(payload[..^2]), Reads(payload[..^1]));
        payload[1] = (byte)MessageType.Signal;
        var otherType = Reads(payload[..^1]);

        Assert.That((longer, shorter, exact, otherType), Is.EqualTo((false, false, true, false)));
    }

    [Test]
    public void Hand_encoded_control_frames_decode_like_serialized_ones()
    {
        var (response, bare, signal, end) = SampleControlFrames();

        (byte[] Frame, ProtocolMessage Expected)[] cases =
        [
            (response, new ResponseMessage { ExecutionId = SampleId, Sequence = 1, Timestamp = 124, StatusCode = 429, ContentType = "text/event-stream; charset=utf-8" }),
            (bare, new ResponseMessage { ExecutionId = SampleId, Sequence = 1, Timestamp = 124, StatusCode = 204 }),
            (signal, new SignalMessage { ExecutionId = SampleId, Sequence = 3, Timestamp = 126, Kind = SignalKind.UpstreamEnd }),
            (end, new EndMessage { ExecutionId = SampleId, Sequence = 4, Timestamp = 127 }),
        ];
        foreach (var (frame, expected) in cases)
        {
            Assert.That(DecodeFrame(frame), Is.EqualTo(expected).Using<ProtocolMessage>(SameFields), expected.Type.ToString());
        }
    }

    [Test]
    public void Hand_encoded_control_frames_are_read_back_in_place_and_other_encodings_are_not()
    {
        var (response, bare, signal, end) = SampleControlFrames();
        ReadOnlySpan<byte> Payload(byte[] frame) => frame.AsSpan(ProtocolConstants.LengthPrefixBytes);

        var readResponse = ControlFrame.TryReadResponse(Payload(response), out var id, out var sequence, out var timestamp, out var status, out var contentType);
        var responseFields = (id.SequenceEqual(SampleId), sequence, timestamp, status, contentType);
        var readBare = ControlFrame.TryReadResponse(Payload(bare), out _, out _, out _, out var bareStatus, out var bareType);
        var readSignal = ControlFrame.TryReadSignal(Payload(signal), out _, out var signalSequence, out _, out var kind);
        var readEnd = ControlFrame.TryReadEnd(Payload(end), out _, out var endSequence, out var endTimestamp, out var droppedFrames);

        Assert.Multiple(() =>
        {
            Assert.That((readResponse, responseFields), Is.EqualTo((true, (true, 1u, 124L, 429, (string?)"text/event-stream; charset=utf-8"))));
            Assert.That((readBare, bareStatus, bareType), Is.EqualTo((true, 204, (string?)null)));
            Assert.That((readSignal, signalSequence, kind), Is.EqualTo((true, 3u, SignalKind.UpstreamEnd)));
            Assert.That((readEnd, endSequence, endTimestamp, droppedFrames), Is.EqualTo((true, 4u, 127L, 0)));

            // MessagePack's own compact encoding of the same messages, a frame of another type, a frame one byte short.
            var compactEnd = ProtocolSerializer.ToFrame(new EndMessage { ExecutionId = SampleId, Sequence = 4, Timestamp = 127 });
            var compactSignal = ProtocolSerializer.ToFrame(new SignalMessage { ExecutionId = SampleId, Sequence = 3, Timestamp = 126, Kind = SignalKind.UpstreamEnd });
            Assert.That(ControlFrame.TryReadEnd(Payload(compactEnd), out _, out _, out _, out _), Is.False);
            Assert.That(ControlFrame.TryReadSignal(Payload(compactSignal), out _, out _, out _, out _), Is.False);
            Assert.That(ControlFrame.TryReadEnd(Payload(signal), out _, out _, out _, out _), Is.False);
            Assert.That(ControlFrame.TryReadResponse(Payload(response)[..^1], out _, out _, out _, out _, out _), Is.False);
        });
    }

    [TestCase(0, 0, false)]
    [TestCase(31, 200, true)]
    [TestCase(300, 70_000, false)]
    [TestCase(70_000, 300, true)]
    public void Hand_encoded_start_decodes_like_a_serialized_one(int textChars, int bodyBytes, bool withNulls)
    {
        // Non-ASCII text, a lone surrogate (both encoders write U+FFFD) and lengths on each side of str8/str16/bin16.
        var text = new string('m', textChars) + "é\U0001F600\uD800";
        var body = Enumerable.Range(0, bodyBytes).Select(i => (byte)i).ToArray();
        var fields = new StartFields
        {
            RequestId = text,
            Attempt = 3,
            ApiFormat = withNulls ? null : ApiFormats.AnthropicMessages,
            Route = withNulls ? null : "chat",
            Provider = "api.example.com",
            RequestedModel = withNulls ? null : text,
            Stream = !withNulls,
            RequestPath = "/v1/messages?beta=" + text,
            RequestBody = body,
            RequestBodyTruncated = withNulls,
            TraceParent = withNulls ? null : "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            TraceState = withNulls ? null : text,
        };
        var frame = new byte[ControlFrame.StartLength(fields)];
        ControlFrame.WriteStart(frame, fields, SampleId, 0, 123);
        var serialized = ProtocolSerializer.ToFrame(new StartMessage
        {
            ExecutionId = SampleId, Sequence = 0, Timestamp = 123, RequestId = fields.RequestId, Attempt = fields.Attempt,
            ApiFormat = fields.ApiFormat, Route = fields.Route, Provider = fields.Provider, RequestedModel = fields.RequestedModel,
            Stream = fields.Stream, RequestPath = fields.RequestPath, RequestBody = body.Length == 0 ? null : body,
            RequestBodyTruncated = fields.RequestBodyTruncated, TraceParent = fields.TraceParent, TraceState = fields.TraceState,
        });

        Assert.That(DecodeFrame(frame), Is.EqualTo(DecodeFrame(serialized)).Using<ProtocolMessage>(SameFields));
    }

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(15)]
    [TestCase(16)]
    [TestCase(1_024)]
    [TestCase(65_536)]
    public void Ack_as_the_sidecar_writes_it_is_read_in_place_with_every_id(int ids)
    {
        var sent = Enumerable.Range(0, ids).Select(_ => Guid.NewGuid()).ToArray();
        var payload = ProtocolSerializer.ToFrame(new AckMessage { ExecutionIds = [.. sent.Select(ExecutionIds.ToBytes)] })[ProtocolConstants.LengthPrefixBytes..];

        Assert.That(AckFrame.TryRead(payload, out var count, out var first), Is.True);
        Assert.That(Enumerable.Range(0, count).Select(i => AckFrame.Id(payload, first, i)), Is.EqualTo(sent));
    }

    [Test]
    public void Ack_encoded_another_way_is_left_to_the_decoder()
    {
        // A valid Ack whose one id is a bin16, a frame of another type, and an Ack one byte short.
        var bin16 = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write((int)MessageType.Ack);
            w.WriteArrayHeader(1);
            w.WriteArrayHeader(1);
            w.WriteRaw([0xc5, 0x00, 0x10]);
            w.WriteRaw(SampleId);
        });
        var payload = bin16[ProtocolConstants.LengthPrefixBytes..];
        var ack = ProtocolSerializer.ToFrame(new AckMessage { ExecutionIds = [SampleId] })[ProtocolConstants.LengthPrefixBytes..];
        var hello = ProtocolSerializer.ToFrame(new HelloMessage { ProtocolVersion = 1 })[ProtocolConstants.LengthPrefixBytes..];

        Assert.That((AckFrame.TryRead(payload, out _, out _), AckFrame.TryRead(hello, out _, out _), AckFrame.TryRead(ack.AsSpan(0, ack.Length - 1), out _, out _)), Is.EqualTo((false, false, false)));
        Assert.That(((AckMessage)DecodeFrame(bin16)).ExecutionIds.Single(), Is.EqualTo(SampleId));
    }

    [Test]
    public void Trailing_fields_from_a_newer_shim_are_ignored_and_missing_ones_default()
    {
        var newer = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(1);
            w.WriteArrayHeader(9);
            w.Write(1);
            w.Write("proc");
            w.Write(7);
            w.Write("host");
            w.Write("gw");
            w.Write("2.0");
            w.Write(0);
            w.Write("a future field");
            w.Write(true);
        });
        var older = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(1);
            w.WriteArrayHeader(1);
            w.Write(1);
        });

        var fromNewer = (HelloMessage)DecodeFrame(newer);
        var fromOlder = (HelloMessage)DecodeFrame(older);

        Assert.Multiple(() =>
        {
            Assert.That(fromNewer.GatewayName, Is.EqualTo("gw"));
            Assert.That(fromOlder.ProtocolVersion, Is.EqualTo(1));
            Assert.That(fromOlder.GatewayName, Is.Null);
        });
    }

    [Test]
    public void Unknown_message_type_is_its_own_error()
    {
        var frame = Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(42);
            w.WriteArrayHeader(0);
        });

        Assert.That(() => DecodeFrame(frame), Throws.TypeOf<ProtocolException>().With.Property("Code").EqualTo(ProtocolErrorCodes.UnknownMessageType));
    }

    [TestCase("c0", TestName = "Nil payload is malformed")]
    [TestCase("93010203", TestName = "Three element envelope is malformed")]
    [TestCase("92a1780a", TestName = "String message type is malformed")]
    [TestCase("9202dc", TestName = "Truncated body is malformed")]
    [TestCase("920291c3", TestName = "Wrong field type is malformed")]
    [TestCase("920190c0", TestName = "Bytes after the message are malformed")]
    public void Malformed_payloads_raise_malformed_frame(string payloadHex)
    {
        var payload = Convert.FromHexString(payloadHex);

        Assert.That(() => ProtocolSerializer.Decode(new ReadOnlySequence<byte>(payload)),
            Throws.TypeOf<ProtocolException>().With.Property("Code").EqualTo(ProtocolErrorCodes.MalformedFrame));
    }

    [Test]
    public void Execution_id_of_the_wrong_length_is_an_invalid_field()
    {
        var frame = ProtocolSerializer.ToFrame(new EndMessage { ExecutionId = [1, 2, 3] });

        Assert.That(() => DecodeFrame(frame), Throws.TypeOf<ProtocolException>().With.Property("Code").EqualTo(ProtocolErrorCodes.InvalidField));
    }

    [Test]
    public void Declared_length_over_the_limit_is_refused_before_the_payload_arrives()
    {
        var prefixOnly = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefixOnly, 2_000_000);
        var buffer = new ReadOnlySequence<byte>(prefixOnly);

        Assert.That(() => FrameReader.TryRead(ref buffer, 1024 * 1024, out _),
            Throws.TypeOf<ProtocolException>().With.Property("Code").EqualTo(ProtocolErrorCodes.FrameTooLarge));
    }

    [Test]
    public void Partial_frame_waits_for_more_bytes()
    {
        var frame = ProtocolSerializer.ToFrame(new ErrorMessage { Code = "x", Message = "y" });
        for (var cut = 0; cut < frame.Length; cut++)
        {
            var buffer = new ReadOnlySequence<byte>(frame, 0, cut);
            Assert.That(FrameReader.TryRead(ref buffer, 1024, out _), Is.False, $"cut at {cut}");
        }
    }

    [Test]
    public void Execution_ids_print_in_RFC_4122_byte_order()
    {
        Assert.That(ExecutionIds.FromBytes(SampleId).ToString(), Is.EqualTo("00010203-0405-0607-0809-0a0b0c0d0e0f"));
        Assert.That(ExecutionIds.ToBytes(ExecutionIds.FromBytes(SampleId)), Is.EqualTo(SampleId));
    }

    /// <summary>A Response with a content type and one without, an UpstreamEnd and an End, as the shim writes them.</summary>
    private static (byte[] Response, byte[] Bare, byte[] Signal, byte[] End) SampleControlFrames()
    {
        const string ContentType = "text/event-stream; charset=utf-8";
        var response = new byte[ControlFrame.ResponseLength(ControlFrame.TextBytes(ContentType))];
        ControlFrame.WriteResponse(response, 429, ContentType, ControlFrame.TextBytes(ContentType), SampleId, 1, 124);
        var bare = new byte[ControlFrame.ResponseLength(-1)];
        ControlFrame.WriteResponse(bare, 204, null, -1, SampleId, 1, 124);
        var signal = new byte[ControlFrame.SignalLength];
        ControlFrame.WriteSignal(signal, SignalKind.UpstreamEnd, SampleId, 3, 126);
        var end = new byte[ControlFrame.EndLength];
        ControlFrame.WriteEnd(end, SampleId, 4, 127);
        return (response, bare, signal, end);
    }

    private static ProtocolMessage DecodeFrame(byte[] frame)
    {
        var buffer = new ReadOnlySequence<byte>(frame);
        Assert.That(FrameReader.TryRead(ref buffer, ProtocolConstants.MaxMaxFrameBytes, out var payload), Is.True);
        Assert.That(buffer.IsEmpty, Is.True);
        return ProtocolSerializer.Decode(payload);
    }

    private delegate void BodyWriter(ref MessagePackWriter writer);

    private static byte[] Frame(BodyWriter write)
    {
        var body = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(body);
        write(ref writer);
        writer.Flush();
        var frame = new byte[4 + body.WrittenCount];
        BinaryPrimitives.WriteUInt32BigEndian(frame, (uint)body.WrittenCount);
        body.WrittenSpan.CopyTo(frame.AsSpan(4));
        return frame;
    }

    private static bool SameFields(ProtocolMessage a, ProtocolMessage b) =>
        a.GetType() == b.GetType() && a.GetType().GetProperties().All(p => Equivalent(p.GetValue(a), p.GetValue(b)));

    private static bool Equivalent(object? x, object? y) => (x, y) switch
    {
        (byte[] p, byte[] q) => p.AsSpan().SequenceEqual(q),
        (byte[][] p, byte[][] q) => p.Length == q.Length && p.Zip(q).All(t => t.First.AsSpan().SequenceEqual(t.Second)),
        _ => Equals(x, y),
    };
}
