using System.Text;
using Tap.Sidecar.Streams;
using Tap.Sidecar.Streams.OpenAIResponses;
using static Tap.Tests.Streams.OpenAIResponses.ResponsesHarness;

namespace Tap.Tests.Streams.OpenAIResponses;

/// <summary>No input makes the aggregator throw or grow without bound: it faults and stops aggregating.</summary>
public sealed class ResponsesAggregatorHostileInputTests
{
    [TestCase("data: <html>502 Bad Gateway</html>\n\n")]
    [TestCase("data: [1,2,3]\n\n")]
    [TestCase("event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"delta\":\"\\ud800\"}\n\n")]
    [TestCase("event: response.output_item.done\ndata: {\"type\":\"response.output_item.done\",\"item\":{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"\\udfff\"}]}}\n\n")]
    [TestCase("data: {\"type\":\"\\ud800\"}\n\n")]
    public void Garbage_or_unreadable_text_in_an_event_is_malformed_json(string garbage)
    {
        var aggregator = FeedEvents(MessageAdded(), TextDelta("Hi"), garbage, MessageDone("Hi"), ResponseEvent("response.completed", "completed"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null, "nothing after the fault is aggregated");
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.DoesNotThrow(() => aggregator.BuildResponse(int.MaxValue, out _));
    }

    [TestCase("response.output_item.added", "\"output_index\":0,\"item\":1")]
    [TestCase("response.output_item.added", "\"output_index\":\"0\",\"item\":{\"type\":7,\"content\":[1,null],\"summary\":\"x\"}")]
    [TestCase("response.content_part.added", "\"part\":[1]")]
    [TestCase("response.output_text.delta", "\"delta\":5")]
    [TestCase("response.in_progress", "\"response\":7")]
    public void Members_of_the_wrong_kind_read_as_absent_and_the_stream_still_ends(string type, string fields)
    {
        var aggregator = FeedEvents(MessageAdded(), TextDelta("Hi"), Event(type, fields), MessageDone("Hi"), ResponseEvent("response.completed", "completed"));

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Completed));
        Assert.That(Text(Output(aggregator).Single()), Is.EqualTo("Hi"));
    }

    [Test]
    public void Terminal_snapshot_with_a_lone_surrogate_is_malformed_json_not_a_terminal()
    {
        var aggregator = FeedEvents(MessageAdded(), TextDelta("Hi"), ResponseEvent("response.completed", "completed", ",\"output\":[{\"type\":\"message\",\"content\":[{\"type\":\"output_text\",\"text\":\"\\ud800\"}]}]"));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Body_with_a_lone_surrogate_is_malformed_json()
    {
        var body = """{"id":"resp_1","object":"response","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"\ud800"}]}]}""";

        var aggregator = Feed("application/json", Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Error_event_whose_message_is_a_lone_surrogate_still_fails_the_response()
    {
        var aggregator = FeedEvents(Event("error", "\"code\":\"server_error\",\"message\":\"\\udc00\""));

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Class, Is.EqualTo(TerminalClass.Failed));
        Assert.That(aggregator.Terminal?.Detail, Is.EqualTo("The provider sent an error event whose message is not valid text."));
    }

    [Test]
    public void Bare_error_object_whose_message_is_a_lone_surrogate_is_still_a_provider_error()
    {
        var aggregator = FeedEvents("data: {\"error\":{\"message\":\"\\udc00\"}}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
    }

    [Test]
    public void An_endless_line_is_line_too_long_and_memory_stays_bounded()
    {
        var aggregator = new ResponsesAggregator(EventStream);
        var block = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        aggregator.Append("data: "u8, T0);
        var before = GC.GetAllocatedBytesForCurrentThread();

        for (var i = 0; i < 512; i++)
        {
            aggregator.Append(block, T0);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(6 + (512L * block.Length)));
        Assert.That(allocated, Is.LessThan(8 * 1024 * 1024), "32 MiB were sent; the line buffer stops at 1 MiB");
    }

    [Test]
    public void Random_bytes_never_throw()
    {
        var random = new Random(20261202);
        for (var round = 0; round < 200; round++)
        {
            var bytes = new byte[random.Next(1, 512)];
            random.NextBytes(bytes);
            foreach (var contentType in new[] { EventStream, "application/json" })
            {
                Assert.That(() => Snapshot(Feed(contentType, Encoding.UTF8.GetBytes(MessageAdded()), bytes)), Throws.Nothing, $"round {round}");
            }
        }
    }
}
