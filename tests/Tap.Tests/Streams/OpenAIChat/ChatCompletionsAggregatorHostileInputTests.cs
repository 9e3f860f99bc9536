using System.Text;
using Tap.Sidecar.Streams.OpenAIChat;
using static Tap.Tests.Streams.OpenAIChat.ChatHarness;

namespace Tap.Tests.Streams.OpenAIChat;

/// <summary>No input makes the aggregator throw or grow without bound: it faults and stops aggregating.</summary>
public sealed class ChatCompletionsAggregatorHostileInputTests
{
    private const string Done = "data: [DONE]\n\n";
    private static readonly string Bomb = new string('[', 100_000) + new string(']', 100_000);

    [TestCase("data: not json\n\n")]
    [TestCase("data: [1,2]\n\n")]
    [TestCase("data: \"a string\"\n\n")]
    [TestCase("data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"cut\n\n")]
    [TestCase("data: {\"choices\":[{\"delta\":{\"content\":\"\\ud800\"}}]}\n\n")]
    [TestCase("data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"arguments\":\"\\udfff\"}}]}}]}\n\n")]
    [TestCase("data: {\"model\":\"\\ud800x\",\"choices\":[]}\n\n")]
    public void Garbage_or_unreadable_text_in_a_chunk_is_malformed_json(string chunk)
    {
        var aggregator = FeedEvents(Chunk("""[{"index":0,"delta":{"content":"a"}}]"""), chunk, Done);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null, "nothing after the fault is aggregated");
        Assert.That(aggregator.AnswerComplete, Is.False);
        Assert.DoesNotThrow(() => aggregator.BuildResponse(int.MaxValue, out _));
    }

    [TestCase("""[1, "x", null, []]""")]
    [TestCase("""[{"index":"a","delta":[],"finish_reason":7}]""")]
    [TestCase("""[{"index":0,"delta":{"content":5,"role":[],"tool_calls":[1,"x",{"index":0,"function":3}]}}]""")]
    [TestCase("""[{"index":0,"delta":{"tool_calls":{"index":0}}}]""")]
    [TestCase("""7""")]
    public void Members_of_the_wrong_kind_read_as_absent_and_the_stream_still_ends(string choices)
    {
        var aggregator = FeedEvents(
            Chunk(choices, "\"x\""),
            Chunk("""[{"index":0,"delta":{"content":"ok"},"finish_reason":"stop"}]"""),
            Done);

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("[DONE]"));
        Assert.That(Choices(aggregator)[0].GetProperty("content").GetString(), Does.EndWith("ok"));
    }

    [Test]
    public void Body_with_a_lone_surrogate_is_malformed_json_without_a_terminal()
    {
        var body = """{"id":"c","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"\ud800"},"finish_reason":"stop"}]}""";

        var aggregator = Feed("application/json", Encoding.UTF8.GetBytes(body));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(aggregator.Terminal, Is.Null);
    }

    [Test]
    public void Error_whose_message_is_a_lone_surrogate_is_still_a_provider_error()
    {
        var aggregator = FeedEvents("data: {\"error\":{\"message\":\"\\udc00\",\"type\":\"server_error\"}}\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("provider_error"));
        Assert.That(aggregator.Fault?.Message, Is.EqualTo("The provider sent an error object whose message is not valid text."));
    }

    [Test]
    public void Invalid_utf8_is_invalid_utf8()
    {
        var aggregator = Feed(EventStream, [.. "data: {\"choices\":[{\"delta\":{\"content\":\""u8, 0xC3, 0x28, .. "\"}}]}\n\n"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void A_nesting_bomb_in_a_data_line_is_malformed_json()
    {
        var aggregator = FeedEvents("data: " + Bomb + "\n\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void An_endless_line_is_line_too_long_and_memory_stays_bounded()
    {
        var aggregator = new ChatCompletionsAggregator(EventStream);
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
                Assert.That(() => Snapshot(Feed(contentType, Encoding.UTF8.GetBytes(Chunk("[]")), bytes)), Throws.Nothing, $"round {round}");
            }
        }
    }
}
