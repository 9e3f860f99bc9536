using System.Text;
using Tap.Sidecar.Streams.AnthropicMessages;
using static Tap.Tests.Streams.AnthropicMessages.AnthropicHarness;

namespace Tap.Tests.Streams.AnthropicMessages;

public sealed class AnthropicMessagesAggregatorHostileInputTests
{
    private static readonly string NestingBomb = new string('[', 10_000) + new string(']', 10_000);

    [TestCase("data: <html>502 Bad Gateway</html>\n\n")]
    [TestCase("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"del\n\n")]
    [TestCase("event: message_start\ndata: [1,2,3]\n\n")]
    public void Garbage_or_truncated_json_in_an_event_is_malformed_json(string garbage)
    {
        var aggregator = FeedEvents(MessageStart(), garbage, MessageDelta(), MessageStop());

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null, "nothing after the fault is aggregated");
        Assert.That(aggregator.AnswerComplete, Is.False);
    }

    [Test]
    public void Nesting_bomb_in_an_event_is_malformed_json()
    {
        var aggregator = FeedEvents(MessageStart(), $"event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{NestingBomb}}}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Invalid_utf8_in_an_event_is_invalid_utf8()
    {
        var aggregator = Feed(EventStream, Encoding.UTF8.GetBytes(MessageStart()), [.. "event: ping\ndata: {\"type\":\"ping\",\"x\":\""u8, 0xC3, 0x28, .. "\"}\n\n"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Escaped_lone_surrogate_is_malformed_json_not_an_exception()
    {
        var data = """{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"\ud800"}}""";
        var aggregator = FeedEvents(MessageStart(), TextStart(), Event("content_block_delta", data));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(() => aggregator.BuildResponse(int.MaxValue, out _), Throws.Nothing);
    }

    [Test]
    public void Error_whose_message_is_a_lone_surrogate_still_fails_the_execution_without_an_exception()
    {
        var data = """{"type":"error","error":{"type":"api_error","message":"\udc00"}}""";
        var aggregator = FeedEvents(MessageStart(), TextStart(), Event("content_block_delta", data));

        Assert.That(aggregator.Fault?.Code ?? aggregator.Terminal?.Class.ToString(), Is.AnyOf("provider_error", "malformed_json", "Failed"));
        Assert.That(() => aggregator.BuildResponse(int.MaxValue, out _), Throws.Nothing);
    }

    [Test]
    public void Over_long_line_is_line_too_long()
    {
        var aggregator = FeedEvents(MessageStart(), "data: " + new string('x', 1024 * 1024) + "\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
    }

    [Test]
    public void Endless_line_is_a_fault_with_bounded_memory()
    {
        var aggregator = new AnthropicMessagesAggregator(EventStream);
        var chunk = Encoding.ASCII.GetBytes(new string('x', 64 * 1024));
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 1024; i++)
        {
            aggregator.Append(chunk, T0);
        }

        aggregator.CompleteUpstream(T0);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(64L * 1024 * 1024));
        Assert.That(allocated, Is.LessThan(8 * 1024 * 1024), "64 MiB fed, at most a few MiB held");
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20261125);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);
            foreach (var contentType in new[] { EventStream, "application/json" })
            {
                Assert.That(() => Snapshot(Feed(contentType, Encoding.UTF8.GetBytes(MessageStart()), bytes)), Throws.Nothing, $"round {round}");
            }
        }
    }

    [Test]
    public void Stream_cut_inside_an_event_has_no_terminal_and_no_fault()
    {
        var whole = FixtureFiles.Read("anthropic-messages/text.sse");

        var aggregator = Feed(EventStream, whole[..(whole.Length - 10)]);

        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.AnswerComplete, Is.True, "message_delta had arrived");
    }
}
