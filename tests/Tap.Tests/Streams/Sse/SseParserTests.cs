using System.Text;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Tests.Streams.Sse;

public sealed class SseParserTests
{
    private static readonly string[] Transcripts = FixtureFiles.OpenAIChatTranscripts;

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_split_at_every_byte_boundary_gives_the_same_events(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);
        var expected = Parse(bytes);

        for (var split = 0; split <= bytes.Length; split++)
        {
            var actual = Parse(bytes[..split], bytes[split..]);
            Assert.That(actual, Is.EqualTo(expected), $"split at byte {split}");
        }
    }

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_fed_byte_by_byte_gives_the_same_events(string fixture)
    {
        var bytes = FixtureFiles.Read(fixture);

        var actual = Parse(bytes.Select(b => new[] { b }).ToArray());

        Assert.That(actual, Is.EqualTo(Parse(bytes)));
    }

    [TestCaseSource(nameof(Transcripts))]
    public void Transcript_parses_without_fault_or_truncation(string fixture)
    {
        var (events, parser) = Collect([FixtureFiles.Read(fixture)]);

        Assert.That(parser.Fault, Is.Null);
        Assert.That(parser.Truncated, Is.False);
        Assert.That(events, Has.Count.GreaterThan(3));
    }

    [Test]
    public void Keep_alive_transcript_counts_its_comments()
    {
        var (events, parser) = Collect([FixtureFiles.Read("openai-chat/keepalive.sse")]);

        Assert.That(parser.CommentCount, Is.EqualTo(5));
        Assert.That(events[^1].Data, Is.EqualTo("[DONE]"));
    }

    [TestCase("data: a\r\n\r\n")]
    [TestCase("data: a\n\n")]
    [TestCase("data: a\r\r")]
    [TestCase("data: a\r\n\n")]
    public void Lines_may_end_with_CRLF_LF_or_CR(string stream)
    {
        var (events, _) = Collect(stream);

        Assert.That(events.Select(e => (e.EventType, e.Data, e.Id)), Is.EqualTo(new[] { ("message", "a", (string?)null) }));
    }

    [Test]
    public void CR_at_the_end_of_a_chunk_and_LF_at_the_start_of_the_next_are_one_line_end()
    {
        var (events, _) = Collect("data: a\r", "\ndata: b\r", "\n\r", "\n");

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "a\nb" }));
    }

    [Test]
    public void Several_data_lines_are_joined_with_a_line_feed()
    {
        var (events, _) = Collect("data: one\ndata:two\ndata\ndata:  four\n\n");

        Assert.That(events.Single().Data, Is.EqualTo("one\ntwo\n\n four"));
    }

    [Test]
    public void Comments_are_counted_and_never_dispatched()
    {
        var (events, parser) = Collect(": keep-alive\n\n:\ndata: x\n: inside\n\n");

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "x" }));
        Assert.That(parser.CommentCount, Is.EqualTo(3));
    }

    [Test]
    public void Event_type_applies_to_one_event_and_id_persists()
    {
        var (events, _) = Collect("event: delta\nid: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");

        Assert.That(events.Select(e => (e.EventType, e.Data, e.Id)), Is.EqualTo(new[]
        {
            ("delta", "a", (string?)"7"),
            ("message", "b", "7"),
            ("message", "c", ""),
        }));
    }

    [Test]
    public void An_id_containing_NUL_is_ignored()
    {
        var (events, _) = Collect("id: 1\n\nid: 2\0\ndata: a\n\n");

        Assert.That(events.Single().Id, Is.EqualTo("1"));
    }

    [Test]
    public void Retry_takes_only_ascii_digits()
    {
        var (_, parser) = Collect("retry: 1500\nretry: 12a\nretry: -1\n\n");

        Assert.That(parser.RetryMilliseconds, Is.EqualTo(1500));
    }

    [Test]
    public void Blank_line_without_data_dispatches_nothing()
    {
        var (events, _) = Collect("event: ping\n\nunknown: field\n\n");

        Assert.That(events, Is.Empty);
    }

    [Test]
    public void Empty_data_line_dispatches_an_event_with_empty_data()
    {
        var (events, _) = Collect("data\n\n");

        Assert.That(events.Single().Data, Is.Empty);
    }

    [Test]
    public void Leading_BOM_is_skipped_even_when_split_across_chunks()
    {
        var bytes = "\uFEFFdata: a\n\n"u8.ToArray();

        var (events, _) = Collect([bytes[..1], bytes[1..2], bytes[2..]]);

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void A_BOM_prefix_that_is_not_a_BOM_is_content()
    {
        // The two bytes become part of the first field name, so "data" is not recognised.
        var (events, parser) = Collect([[0xEF, 0xBB], "data: a\n\n"u8.ToArray()]);

        Assert.That(events, Is.Empty);
        Assert.That(parser.Fault, Is.Null);
    }

    [Test]
    public void Last_event_with_terminated_lines_but_no_blank_line_is_dispatched_at_the_end()
    {
        var (events, parser) = Collect("data: a\n\ndata: [DONE]\n");

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "a", "[DONE]" }));
        Assert.That(parser.Truncated, Is.False);
    }

    [Test]
    public void Unterminated_last_line_is_truncated_and_not_dispatched()
    {
        var (events, parser) = Collect("data: a\n\ndata: {\"partial\":");

        Assert.That(events.Select(e => e.Data), Is.EqualTo(new[] { "a" }));
        Assert.That(parser.Truncated, Is.True);
    }

    [Test]
    public void Line_too_long_faults_stops_dispatching_and_keeps_counting_bytes()
    {
        var (events, parser) = Collect(
            [Encoding.UTF8.GetBytes("data: " + new string('x', 100) + "\n\n"), "data: ok\n\n"u8.ToArray()],
            maxLineBytes: 64);

        Assert.That(events, Is.Empty);
        Assert.That(parser.Fault?.Code, Is.EqualTo("line_too_long"));
        Assert.That(parser.ByteCount, Is.EqualTo(108 + 10));
    }

    [Test]
    public void A_line_that_never_ends_holds_no_more_than_the_line_limit()
    {
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)'x');
        var parser = new SseParser(_ => { }, maxLineBytes: 4096);
        parser.Append(chunk);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 160; i++)
        {
            parser.Append(chunk);
        }

        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(64 * 1024));
        Assert.That(parser.Fault?.Code, Is.EqualTo("line_too_long"));
        Assert.That(parser.ByteCount, Is.EqualTo(161L * chunk.Length));
    }

    [Test]
    public void Event_data_past_the_limit_faults()
    {
        var (events, parser) = Collect(["data: 0123456789\ndata: 0123456789\n\n"u8.ToArray()], maxEventDataBytes: 16);

        Assert.That(events, Is.Empty);
        Assert.That(parser.Fault?.Code, Is.EqualTo("line_too_long"));
    }

    [Test]
    public void Invalid_utf8_faults()
    {
        var (events, parser) = Collect([[.. "data: "u8, 0xC3, 0x28, (byte)'\n', (byte)'\n'], "data: ok\n\n"u8.ToArray()]);

        Assert.That(events, Is.Empty);
        Assert.That(parser.Fault?.Code, Is.EqualTo("invalid_utf8"));
    }

    [Test]
    public void Multibyte_character_split_across_chunks_decodes_whole()
    {
        var bytes = "data: 👋\n\n"u8.ToArray();

        var (events, _) = Collect([bytes[..8], bytes[8..]]);

        Assert.That(events.Single().Data, Is.EqualTo("👋"));
    }

    private static string Parse(params byte[][] chunks)
    {
        var (events, parser) = Collect(chunks);
        var lines = events.Select(e => $"{e.EventType}|{e.Id}|{e.Data}").ToList();
        lines.Add($"events={parser.EventCount} comments={parser.CommentCount} bytes={parser.ByteCount}");
        if (parser.Fault is not null)
        {
            lines.Add($"fault={parser.Fault.Code}");
        }

        if (parser.Truncated)
        {
            lines.Add("truncated");
        }

        return string.Join('\n', lines);
    }

    private static (List<SseEvent> Events, SseParser Parser) Collect(params string[] chunks) =>
        Collect(chunks.Select(Encoding.UTF8.GetBytes).ToArray());

    private static (List<SseEvent> Events, SseParser Parser) Collect(
        byte[][] chunks,
        int maxLineBytes = SseParser.DefaultMaxLineBytes,
        int maxEventDataBytes = SseParser.DefaultMaxEventDataBytes)
    {
        var events = new List<SseEvent>();
        var parser = new SseParser(events.Add, maxLineBytes, maxEventDataBytes);
        foreach (var chunk in chunks)
        {
            parser.Append(chunk);
        }

        parser.Complete();
        return (events, parser);
    }
}
