using System.Text;
using System.Text.Json;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.AwsEventStream;
using Tap.Tests.Streams.AwsEventStream;
using Tap.Tests.Support;

using TapHeaderType = Tap.Sidecar.Streams.AwsEventStream.EventStreamHeaderType;
using TapMessage = Tap.Sidecar.Streams.AwsEventStream.EventStreamMessage;

using static Tap.Tests.Streams.Bedrock.BedrockTranscripts;

namespace Tap.Tests.Streams.Bedrock;

/// <summary>
/// Differential check against the AWS SDK for .NET. AWSSDK.BedrockRuntime is not served here, so the SDK part is
/// AWSSDK.Core, which holds the whole event-stream layer BedrockRuntime builds on: its decoder must see the same messages
/// (where each ends, every header, every payload) and refuse the same bad checksums, and its event stream, reading a real
/// HTTP response from a local Kestrel server, must hand over the events and exceptions from which the documented
/// Converse shapes give the same text, tool inputs, usage and stop reason as Tap's aggregator. What BedrockRuntime would
/// add, its generated JSON-to-model unmarshallers, is done here with System.Text.Json after the documented shapes.
/// </summary>
public class AwsSdkDifferentialTests
{
    private const string EventStreamType = "application/vnd.amazon.eventstream";

    public static IEnumerable<TestCaseData> ConverseStreams()
    {
        yield return new TestCaseData(ConverseText()).SetName("SDK Converse text");
        yield return new TestCaseData(ConverseText("max_tokens")).SetName("SDK Converse max_tokens");
        yield return new TestCaseData(ConverseToolUse()).SetName("SDK Converse tool use, reasoning and cache counts");
    }

    public static IEnumerable<TestCaseData> AllStreams()
    {
        foreach (var converse in ConverseStreams())
        {
            yield return converse;
        }

        yield return new TestCaseData(InvokeAnthropic()).SetName("SDK Invoke Anthropic");
        yield return new TestCaseData(ConverseException("throttlingException", """{"message":"Too many requests."}""")).SetName("SDK Converse throttled");
        yield return new TestCaseData(AllHeaderTypes()).SetName("SDK every header type");
    }

    [TestCaseSource(nameof(AllStreams))]
    public void The_SDK_decoder_sees_the_same_messages_fed_a_byte_at_a_time(byte[] transcript)
    {
        var sdk = SdkMessages(transcript);
        var tap = TapMessages(transcript);

        Assert.Multiple(() =>
        {
            Assert.That(tap.Select(m => m.EndsAt), Is.EqualTo(sdk.Select(m => m.EndsAt)), "message boundaries");
            Assert.That(tap.Select(m => m.Headers), Is.EqualTo(sdk.Select(m => m.Headers)), "headers, in wire form");
            Assert.That(tap.Select(m => m.Payload), Is.EqualTo(sdk.Select(m => m.Payload)), "payloads");
            Assert.That(sdk.Select(m => m.EndsAt), Is.EqualTo(EventStreamLayout.MessageEnds(transcript).Select(e => (int)e)), "every message, to the last byte");
        });
    }

    [TestCase(40, "message_crc_mismatch", TestName = "SDK and Tap refuse a bad message checksum")]
    [TestCase(9, "prelude_crc_mismatch", TestName = "SDK and Tap refuse a bad prelude checksum")]
    public void A_bad_checksum_is_refused_by_both_after_the_same_messages(int offsetInMessage, string tapCode)
    {
        var transcript = ConverseText();
        transcript[StartOf(transcript, "messageStop") + offsetInMessage] ^= 0x01;

        var sdkMessages = 0;
        using var decoder = new EventStreamDecoder();
        decoder.MessageReceived += (_, _) => sdkMessages++;
        Assert.Throws<EventStreamChecksumFailureException>(() => decoder.ProcessData(transcript, 0, transcript.Length));

        var parser = new EventStreamParser(_ => { });
        parser.Append(transcript);
        Assert.That((parser.Fault?.Code, parser.MessageCount), Is.EqualTo((tapCode, (long)sdkMessages)));
    }

    [TestCaseSource(nameof(ConverseStreams))]
    public async Task ConverseStream_read_by_the_SDK_agrees_on_text_tool_inputs_usage_and_stop_reason(byte[] transcript)
    {
        var sdk = ConverseView.From(await ReadThroughSdkAsync(transcript));

        var tap = ConverseView.FromTap(Aggregate("bedrock-converse", transcript));
        Assert.That((sdk.Text.Count > 0, sdk.StopReason is not null, sdk.Usage.Output is not null), Is.EqualTo((true, true, true)), "the SDK read a whole stream");
        Assert.Multiple(() =>
        {
            Assert.That(tap.Text, Is.EqualTo(sdk.Text), "text");
            Assert.That(tap.ToolInputs, Is.EqualTo(sdk.ToolInputs), "tool inputs");
            Assert.That(tap.Reasoning, Is.EqualTo(sdk.Reasoning), "reasoning text");
            Assert.That(tap.Usage, Is.EqualTo(sdk.Usage), "usage: input, output, total, cache read, cache write");
            Assert.That(tap.StopReason, Is.EqualTo(sdk.StopReason), "stop reason");
            Assert.That(tap.LatencyMs, Is.EqualTo(sdk.LatencyMs), "metrics.latencyMs");
        });
    }

    [TestCase("internalServerException")]
    [TestCase("modelStreamErrorException")]
    [TestCase("serviceUnavailableException")]
    [TestCase("throttlingException")]
    [TestCase("validationException")]
    public async Task An_in_stream_exception_the_SDK_throws_is_Tap_s_failed_terminal_event(string exceptionType)
    {
        var transcript = ConverseException(exceptionType, """{"message":"Something went wrong."}""");
        var events = new List<AwsSdkEvent>();

        var thrown = Assert.ThrowsAsync<AwsSdkStreamException>(async () => await ReadThroughSdkAsync(transcript, events));

        var tap = Aggregate("bedrock-converse", transcript);
        Assert.Multiple(() =>
        {
            Assert.That(thrown!.ExceptionType, Is.EqualTo(exceptionType));
            Assert.That(thrown.Message, Is.EqualTo("""{"message":"Something went wrong."}"""));
            Assert.That((tap.Terminal?.Class, tap.Terminal?.Name), Is.EqualTo((TerminalClass.Failed, exceptionType)));
            Assert.That(ConverseView.FromTap(tap).Text, Is.EqualTo(ConverseView.From(events).Text), "the text before the exception");
        });
    }

    [Test]
    public async Task A_bad_checksum_mid_stream_fails_the_SDK_read_as_Tap_records_a_malformed_stream()
    {
        var transcript = ConverseText();
        transcript[StartOf(transcript, "messageStop") + 40] ^= 0x01;

        var thrown = Assert.ThrowsAsync<AwsSdkStreamException>(async () => await ReadThroughSdkAsync(transcript));

        Assert.That(thrown!.InnerException, Is.InstanceOf<EventStreamChecksumFailureException>());
        Assert.That(Aggregate("bedrock-converse", transcript).Fault?.Message, Does.Contain("checksum"));
    }

    [Test]
    public async Task InvokeModelWithResponseStream_read_by_the_SDK_agrees_on_text_usage_and_stop_reason()
    {
        var events = await ReadThroughSdkAsync(InvokeAnthropic());

        var anthropicEvents = events.Select(e => JsonDocument.Parse(Convert.FromBase64String(JsonDocument.Parse(e.Payload).RootElement.GetProperty("bytes").GetString()!)).RootElement).ToList();
        var text = string.Concat(anthropicEvents.Where(e => e.GetProperty("type").GetString() == "content_block_delta").Select(e => e.GetProperty("delta").GetProperty("text").GetString()));
        var stopReason = anthropicEvents.Single(e => e.GetProperty("type").GetString() == "message_delta").GetProperty("delta").GetProperty("stop_reason").GetString();
        var metrics = anthropicEvents.Last().GetProperty("amazon-bedrock-invocationMetrics");

        var tap = Aggregate("bedrock-invoke-anthropic", InvokeAnthropic());
        Assert.Multiple(() =>
        {
            Assert.That(tap.GeneratedText(), Is.EqualTo(text));
            Assert.That(tap.FinishReason, Is.EqualTo(stopReason));
            Assert.That((tap.FinalUsage?.Input, tap.FinalUsage?.Output), Is.EqualTo((metrics.GetProperty("inputTokenCount").GetInt64(), metrics.GetProperty("outputTokenCount").GetInt64())));
        });
    }

    /// <summary>One message with a header of each of the ten wire types, then a Converse event.</summary>
    private static byte[] AllHeaderTypes() => Concat(
        EventStreamEncoder.Message(
            [
                ("true", true), ("false", false), ("byte", (sbyte)-7), ("short", (short)-300), ("int", 70000), ("long", 1L << 40),
                ("bytes", new byte[] { 0, 1, 254, 255 }), (":event-type", "metadata"), ("time", DateTimeOffset.FromUnixTimeMilliseconds(1764633600123)),
                ("uuid", Guid.Parse("6f1a2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b")), (":message-type", "event"),
            ],
            Encoding.UTF8.GetBytes(Usage)),
        EventStreamEncoder.Event("messageStop", """{"stopReason":"end_turn"}"""));

    private static List<DecodedMessage> SdkMessages(byte[] transcript)
    {
        var messages = new List<DecodedMessage>();
        var position = 0;
        using var decoder = new EventStreamDecoder();
        decoder.MessageReceived += (_, args) => messages.Add(new DecodedMessage(position, SdkHeaders(args.Message), Convert.ToHexString(args.Message.Payload)));
        for (; position < transcript.Length;)
        {
            // Always from offset 0, as the SDK's own read loop calls it: ProcessData reads its third argument as an end
            // index when the offset is not 0.
            position++;
            decoder.ProcessData([transcript[position - 1]], 0, 1);
        }

        return messages;
    }

    /// <summary>Each header as the SDK writes it back: name length, name, type, value.</summary>
    private static string SdkHeaders(Amazon.Runtime.EventStreams.EventStreamMessage message) => string.Join(' ', message.Headers.Values.Select(header =>
    {
        var wire = new byte[header.GetWireSize()];
        header.WriteToBuffer(wire, 0);
        return Convert.ToHexString(wire);
    }));

    private static List<DecodedMessage> TapMessages(byte[] transcript)
    {
        var messages = new List<DecodedMessage>();
        var position = 0;
        var parser = new EventStreamParser(message => messages.Add(new DecodedMessage(position, TapHeaders(message), Convert.ToHexString(message.Payload.Span))));
        for (; position < transcript.Length;)
        {
            position++;
            parser.Append(transcript.AsSpan(position - 1, 1));
        }

        Assert.That(parser.Fault, Is.Null);
        return messages;
    }

    private static string TapHeaders(TapMessage message) => string.Join(' ', message.Headers.Select(header =>
    {
        var name = Encoding.UTF8.GetBytes(header.Name);
        var length = header.Type is TapHeaderType.ByteArray or TapHeaderType.String
            ? new[] { (byte)(header.Value.Length >> 8), (byte)header.Value.Length }
            : [];
        return Convert.ToHexString([(byte)name.Length, .. name, (byte)header.Type, .. length, .. header.Value.Span]);
    }));

    /// <summary>The transcript served by a local Kestrel server one message per write, read back through the SDK's event stream.</summary>
    private static async Task<List<AwsSdkEvent>> ReadThroughSdkAsync(byte[] transcript, List<AwsSdkEvent>? events = null)
    {
        events ??= [];
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.EventStream(transcript));
        using var client = new HttpClient { BaseAddress = provider.BaseAddress };
        using var response = await client.GetAsync("model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream", HttpCompletionOption.ResponseHeadersRead);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo(EventStreamType));

        // A buffer smaller than a prelude makes the SDK's decoder join every message from pieces.
        using var stream = new AwsSdkEventStream(await response.Content.ReadAsStreamAsync()) { BufferSize = 7 };
        await foreach (var sdkEvent in stream)
        {
            events.Add(sdkEvent);
        }

        return events;
    }

    private static IFormatAggregator Aggregate(string format, byte[] transcript)
    {
        var aggregator = AggregatorFactory.Create(format, EventStreamType);
        aggregator.Append(transcript, DateTimeOffset.UnixEpoch);
        aggregator.CompleteUpstream(DateTimeOffset.UnixEpoch);
        return aggregator;
    }

    private sealed record DecodedMessage(int EndsAt, string Headers, string Payload);
}
