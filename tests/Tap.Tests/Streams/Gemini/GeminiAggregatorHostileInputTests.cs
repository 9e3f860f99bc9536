using System.Text;
using Tap.Sidecar.Streams.Gemini;
using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>No input makes the aggregator throw or grow without bound: it faults and stops aggregating.</summary>
public sealed class GeminiAggregatorHostileInputTests
{
    private static readonly string Bomb = new string('[', 100_000) + new string(']', 100_000);

    [TestCase("data: not json\r\n\r\n", "malformed_json")]
    [TestCase("data: [1,2]\r\n\r\n", "malformed_json")]
    [TestCase("data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \"cut\r\n\r\n", "malformed_json")]
    [TestCase("data: {\"candidates\": [1, \"x\", null, {\"content\": [], \"finishReason\": 7}]}\r\n\r\n", null)]
    [TestCase("data: {\"candidates\": [{\"content\": {\"parts\": [1, [], {\"text\": 5}, {\"functionCall\": 3}]}}]}\r\n\r\n", null)]
    public void Garbage_in_a_data_line_is_a_fault_or_ignored_but_never_an_exception(string stream, string? code)
    {
        var aggregator = FeedEvents(stream);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo(code));
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.DoesNotThrow(() => aggregator.BuildResponse(int.MaxValue, out _));
    }

    [Test]
    public void Invalid_utf8_is_invalid_utf8()
    {
        var aggregator = Feed(EventStream, [.. "data: {\"candidates\": [{\"content\": {\"parts\": [{\"text\": \""u8, 0xC3, 0x28, .. "\"}]}}]}\r\n\r\n"u8]);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void A_nesting_bomb_in_a_data_line_is_malformed_json()
    {
        var aggregator = FeedEvents("data: " + Bomb + "\r\n\r\n");

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void Deep_function_call_arguments_are_malformed_json()
    {
        var args = new string('[', 70) + new string(']', 70);
        var aggregator = FeedEvents(Chunk($$$"""[{"content": {"parts": [{"functionCall": {"name": "f","args": {{{args}}}}}]},"finishReason": "STOP"}]"""));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
    }

    [Test]
    public void An_over_long_line_is_line_too_long_and_memory_stays_bounded()
    {
        var aggregator = new GeminiAggregator(EventStream);
        var block = Encoding.UTF8.GetBytes(new string('x', 64 * 1024));
        aggregator.Append("data: "u8, T0);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 512; i++)
        {
            aggregator.Append(block, T0);
        }

        var grown = GC.GetTotalMemory(forceFullCollection: true) - before;
        aggregator.CompleteUpstream(T0);

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("line_too_long"));
        Assert.That(aggregator.ByteCount, Is.EqualTo(6 + (512L * block.Length)));
        Assert.That(grown, Is.LessThan(8 * 1024 * 1024), "32 MiB were sent; the line buffer stops at 1 MiB");
    }

    [Test]
    public void Text_past_the_aggregation_cap_is_dropped_and_the_response_marked_truncated()
    {
        var aggregator = new GeminiAggregator(EventStream, maxTextChars: 10);
        foreach (var piece in new[] { "Hello", " world", "!" })
        {
            aggregator.Append(Encoding.UTF8.GetBytes(Chunk($$$"""[{"content": {"parts": [{"text": "{{{piece}}}"}]}}]""")), T0);
        }

        aggregator.Append(Encoding.UTF8.GetBytes(Chunk("""[{"content": {"parts": [{"functionCall": {"name": "f","args": {"a": 1}}}]},"finishReason": "STOP"}]""")), T0);
        aggregator.CompleteUpstream(T0);
        aggregator.BuildResponse(int.MaxValue, out var truncated);

        Assert.That(Answer(aggregator), Is.EqualTo("Hello worl"));
        Assert.That(Parts(aggregator)[1].GetProperty("functionCall").TryGetProperty("args", out _), Is.False, "cut arguments are not JSON");
        Assert.That(truncated, Is.True);
    }

    [Test]
    public void Only_the_first_fault_is_kept_and_later_chunks_are_counted_but_not_aggregated()
    {
        var aggregator = FeedEvents(
            "data: not json\r\n\r\n",
            "data: {\"error\": {\"code\": 500,\"message\": \"later\",\"status\": \"INTERNAL\"}}\r\n\r\n",
            Chunk("""[{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}]"""));

        Assert.That(aggregator.Fault?.Code, Is.EqualTo("malformed_json"));
        Assert.That(Candidates(aggregator), Is.Empty);
        Assert.That(aggregator.Terminal, Is.Null);
        Assert.That(aggregator.ByteCount, Is.GreaterThan(100));
    }

    [Test]
    public void Malformed_bytes_after_the_terminal_chunk_are_not_a_fault()
    {
        var aggregator = Feed(
            EventStream,
            Encoding.UTF8.GetBytes(Chunk("""[{"content": {"parts": [{"text": "a"}]},"finishReason": "STOP"}]""")),
            [.. "data: "u8, 0xC3, 0x28, (byte)'\r', (byte)'\n', (byte)'\r', (byte)'\n'],
            Encoding.UTF8.GetBytes("data: " + new string('x', 2 * 1024 * 1024)));

        Assert.That(aggregator.Fault, Is.Null);
        Assert.That(aggregator.Terminal?.Name, Is.EqualTo("finishReason"));
    }
}
