using System.Buffers.Binary;
using System.Text;
using Tap.Sidecar.Streams.AwsEventStream;

namespace Tap.Tests.Streams.AwsEventStream;

public sealed class EventStreamParserTests
{
    private static readonly byte[] Transcript =
    [
        .. EventStreamEncoder.Event("messageStart", """{"p":"abcd","role":"assistant"}"""),
        .. EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"Café ☕"},"p":"abcdefgh"}"""),
        .. EventStreamEncoder.Message([], []),
        .. EventStreamEncoder.Exception("throttlingException", """{"message":"Too many requests, please wait before trying again."}"""),
        .. EventStreamEncoder.Error("InternalFailure", "An internal error occurred."),
    ];

    [Test]
    public void The_encoders_CRC32_is_the_gzip_one()
    {
        Assert.That(EventStreamEncoder.Crc32("123456789"u8), Is.EqualTo(0xCBF43926u));
    }

    [Test]
    public void Messages_give_their_headers_and_payload()
    {
        var (messages, parser) = Parse(Transcript);

        Assert.Multiple(() =>
        {
            Assert.That(parser.Fault, Is.Null);
            Assert.That(messages.Select(m => (m.MessageType, m.EventType ?? m.ExceptionType ?? m.Header(":error-code"))), Is.EqualTo(new (string?, string?)[]
            {
                ("event", "messageStart"), ("event", "contentBlockDelta"), (null, null), ("exception", "throttlingException"), ("error", "InternalFailure"),
            }));
            Assert.That(Encoding.UTF8.GetString(messages[1].Payload.Span), Does.Contain("Café ☕"));
            Assert.That(messages[2].Payload.IsEmpty && messages[2].Headers.Count == 0);
            Assert.That(messages[4].Header(":error-message"), Is.EqualTo("An internal error occurred."));
            Assert.That(parser.MessageCount, Is.EqualTo(5));
            Assert.That(parser.ByteCount, Is.EqualTo(Transcript.Length));
        });
    }

    [Test]
    public void Every_header_value_type_is_read_with_its_size()
    {
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        var message = EventStreamEncoder.Message(
            [
                ("t", true), ("f", false), ("b", (sbyte)-2), ("s", (short)-300), ("i", 70000), ("l", 1L << 40), ("a", new byte[] { 1, 2, 3 }),
                ("str", "ünï"), ("ts", DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123)), ("u", id),
            ],
            "x"u8.ToArray());

        var headers = Parse(message).Messages.Single().Headers;

        Assert.Multiple(() =>
        {
            Assert.That(headers.Select(h => (h.Name, h.Type, h.Value.Length)), Is.EqualTo(new (string, EventStreamHeaderType, int)[]
            {
                ("t", EventStreamHeaderType.BoolTrue, 0), ("f", EventStreamHeaderType.BoolFalse, 0), ("b", EventStreamHeaderType.Byte, 1),
                ("s", EventStreamHeaderType.Short, 2), ("i", EventStreamHeaderType.Integer, 4), ("l", EventStreamHeaderType.Long, 8),
                ("a", EventStreamHeaderType.ByteArray, 3), ("str", EventStreamHeaderType.String, 5), ("ts", EventStreamHeaderType.Timestamp, 8),
                ("u", EventStreamHeaderType.Uuid, 16),
            }));
            Assert.That(headers[7].StringValue, Is.EqualTo("ünï"));
            Assert.That(BinaryPrimitives.ReadInt64BigEndian(headers[8].Value.Span), Is.EqualTo(1_700_000_000_123));
            Assert.That(new Guid(headers[9].Value.Span, bigEndian: true), Is.EqualTo(id));
            Assert.That(headers[0].StringValue, Is.Null);
        });
    }

    [Test]
    public void Transcript_split_at_every_byte_gives_the_same_messages()
    {
        var expected = Describe(Parse(Transcript).Messages);

        for (var split = 0; split <= Transcript.Length; split++)
        {
            var (messages, parser) = Parse(Transcript[..split], Transcript[split..]);
            Assert.That(Describe(messages), Is.EqualTo(expected), $"split at byte {split}");
            Assert.That(parser.Fault, Is.Null);
        }
    }

    [Test]
    public void Transcript_fed_byte_by_byte_gives_the_same_messages()
    {
        var (messages, _) = Parse(Transcript.Select(b => new[] { b }).ToArray());

        Assert.That(Describe(messages), Is.EqualTo(Describe(Parse(Transcript).Messages)));
    }

    [Test]
    public void A_bad_prelude_checksum_faults_before_the_message_is_buffered()
    {
        var message = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        message[9] ^= 0x01;

        var (messages, parser) = Parse(message[..12]);

        Assert.That((messages.Count, parser.Fault?.Code), Is.EqualTo((0, "prelude_crc_mismatch")));
        Assert.That(parser.Fault!.Message, Does.Contain("Message 1's prelude checksum"));
    }

    [Test]
    public void A_bad_message_checksum_faults_and_nothing_after_it_is_dispatched()
    {
        var first = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        var second = EventStreamEncoder.Event("contentBlockDelta", """{"contentBlockIndex":0,"delta":{"text":"hi"}}""");
        second[^6] ^= 0x20;
        byte[] stream = [.. first, .. second, .. first];

        var (messages, parser) = Parse(stream);

        Assert.Multiple(() =>
        {
            Assert.That(messages, Has.Count.EqualTo(1));
            Assert.That(parser.Fault?.Code, Is.EqualTo("message_crc_mismatch"));
            Assert.That(parser.Fault!.Message, Does.StartWith("Message 2's checksum"));
            Assert.That(parser.ByteCount, Is.EqualTo(stream.Length));
        });
    }

    [TestCase(0u, 0u)]
    [TestCase(15u, 0u)]
    [TestCase(20u, 5u)]
    [TestCase(uint.MaxValue, 0u)]
    public void A_length_that_cannot_hold_the_framing_or_the_headers_faults(uint total, uint headers)
    {
        var (messages, parser) = Parse(Prelude(total, headers));

        Assert.That((messages.Count, parser.Fault?.Code), Is.EqualTo((0, total == uint.MaxValue ? "message_too_large" : "invalid_length")));
    }

    [Test]
    public void A_message_over_the_limit_is_refused_from_its_prelude()
    {
        var parsed = new List<EventStreamMessage>();
        var parser = new EventStreamParser(parsed.Add, maxMessageBytes: 1024);

        parser.Append(Prelude(1025, 0));
        parser.Append(new byte[2048]);

        Assert.That((parser.Fault?.Code, parsed.Count, parser.ByteCount), Is.EqualTo(("message_too_large", 0, 2060L)));
    }

    [TestCase(new byte[] { 0 }, "name length 0")]
    [TestCase(new byte[] { 5, (byte)'a' }, "does not fit")]
    [TestCase(new byte[] { 1, (byte)'a', 42 }, "(type 42)")]
    [TestCase(new byte[] { 1, (byte)'a', 7, 0, 9, (byte)'x' }, "(type 7) does not fit")]
    [TestCase(new byte[] { 1, (byte)'a', 7, 0, 1, 0xC3 }, "not UTF-8")]
    [TestCase(new byte[] { 1, 0xFF, 0 }, "name is not UTF-8")]
    [TestCase(new byte[] { 1, (byte)'a', 4, 0, 0 }, "(type 4) does not fit")]
    public void Malformed_headers_fault_with_the_reason(byte[] headers, string reason)
    {
        var message = Handmade(headers, "{}"u8.ToArray());

        var (messages, parser) = Parse(message);

        Assert.That((messages.Count, parser.Fault?.Code), Is.EqualTo((0, "malformed_headers")));
        Assert.That(parser.Fault!.Message, Does.Contain(reason));
    }

    [Test]
    public void A_stream_that_ends_inside_a_message_is_truncated_and_the_message_is_not_dispatched()
    {
        var message = EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}""");
        var parsed = new List<EventStreamMessage>();
        var parser = new EventStreamParser(parsed.Add);

        parser.Append(message.AsSpan(0, message.Length - 1));
        parser.Complete();

        Assert.That((parsed.Count, parser.Truncated, parser.Fault), Is.EqualTo((0, true, (EventStreamFault?)null)));
    }

    [Test]
    public void A_clean_end_between_messages_is_not_truncated()
    {
        var (_, parser) = Parse(Transcript);
        parser.Complete();

        Assert.That(parser.Truncated, Is.False);
    }

    [Test]
    public void Random_bytes_never_throw_and_fault_or_wait()
    {
        var random = new Random(17);
        for (var run = 0; run < 500; run++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            if (run % 2 == 0 && bytes.Length >= 12)
            {
                // Half the runs get a valid prelude, so the headers and the message checksum are attacked too.
                var total = (uint)random.Next(16, 220);
                BinaryPrimitives.WriteUInt32BigEndian(bytes, total);
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)random.Next(0, (int)total - 15));
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), EventStreamEncoder.Crc32(bytes.AsSpan(0, 8)));
            }

            var (_, parser) = Parse(bytes);
            parser.Complete();
            Assert.That(parser.Fault is not null || parser.Truncated || bytes.Length == 0 || parser.MessageCount > 0, $"run {run}");
        }
    }

    [Test]
    public void Headers_with_a_valid_checksum_but_broken_inside_fault_for_every_cut_of_a_resealed_message()
    {
        var message = EventStreamEncoder.Event("messageStart", """{"role":"assistant"}""");
        var headersLength = (int)BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(4));
        for (var at = 12; at < 12 + headersLength; at++)
        {
            var broken = (byte[])message.Clone();
            broken[at] = 0xFF;
            var (messages, parser) = Parse(EventStreamEncoder.Reseal(broken));
            Assert.That(parser.Fault is not null || messages.Count == 1, $"byte {at}");
        }
    }

    private static byte[] Prelude(uint total, uint headers)
    {
        var prelude = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(prelude, total);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(4), headers);
        BinaryPrimitives.WriteUInt32BigEndian(prelude.AsSpan(8), EventStreamEncoder.Crc32(prelude.AsSpan(0, 8)));
        return prelude;
    }

    /// <summary>A message with these header bytes as they are, and valid checksums.</summary>
    private static byte[] Handmade(byte[] headers, byte[] payload)
    {
        var message = new byte[16 + headers.Length + payload.Length];
        BinaryPrimitives.WriteUInt32BigEndian(message, (uint)message.Length);
        BinaryPrimitives.WriteUInt32BigEndian(message.AsSpan(4), (uint)headers.Length);
        headers.CopyTo(message, 12);
        payload.CopyTo(message, 12 + headers.Length);
        return EventStreamEncoder.Reseal(message);
    }

    private static List<string> Describe(IEnumerable<EventStreamMessage> messages) =>
        messages.Select(m => string.Join(",", m.Headers.Select(h => $"{h.Name}={h.StringValue}")) + "|" + Convert.ToHexString(m.Payload.Span)).ToList();

    private static (List<EventStreamMessage> Messages, EventStreamParser Parser) Parse(params byte[][] chunks)
    {
        var messages = new List<EventStreamMessage>();
        var parser = new EventStreamParser(messages.Add);
        foreach (var chunk in chunks)
        {
            parser.Append(chunk);
        }

        return (messages, parser);
    }
}
