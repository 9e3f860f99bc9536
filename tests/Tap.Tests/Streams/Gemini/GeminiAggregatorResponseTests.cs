using Tap.Sidecar.Streams;
using static Tap.Tests.Streams.Gemini.GeminiHarness;

namespace Tap.Tests.Streams.Gemini;

/// <summary>The aggregated response written back as a non-streamed GenerateContentResponse.</summary>
public sealed class GeminiAggregatorResponseTests
{
    [Test]
    public void Stream_is_written_back_as_one_compact_GenerateContentResponse_without_nulls_or_escaped_accents()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("gemini/text.sse"));

        var response = aggregator.BuildResponse(int.MaxValue, out var truncated);

        // System.Text.Json's encoders escape characters outside the Basic Multilingual Plane, even the relaxed one.
        Assert.That(response, Is.EqualTo(
            """{"candidates":[{"content":{"parts":[{"text":"Bonjour ! Voici un café ☕ et un salut \uD83D\uDC4B.\nÀ bientôt."}],"role":"model"},"finishReason":"STOP","index":0}],"usageMetadata":{"promptTokenCount":11,"candidatesTokenCount":15,"totalTokenCount":26},"modelVersion":"gemini-2.5-flash","responseId":"kV0laeGzNJbzz7IP-4uJ0AQ"}"""));
        Assert.That(truncated, Is.False);
    }

    [Test]
    public void Pretty_printed_body_is_written_back_compact()
    {
        var aggregator = Feed(JsonBody, FixtureFiles.Read("gemini/body.json"));

        var response = aggregator.BuildResponse(int.MaxValue, out _);

        Assert.That(response, Does.Not.Contain("\n  "));
        Assert.That(response, Does.Contain("\"thoughtsTokenCount\":25"));
    }

    [Test]
    public void Thought_parts_keep_their_flag_and_signature()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("gemini/reasoning.sse"));

        var response = aggregator.BuildResponse(int.MaxValue, out _);

        Assert.That(response, Does.StartWith("""{"candidates":[{"content":{"parts":[{"text":"**Comparing decimals**\n\nThe user asks whether 9.11 or 9.9 is larger. 9.9 = 9.90, which is greater than 9.11.","thought":true},{"text":"9.9 is larger.","thoughtSignature":"""));
    }

    [Test]
    public void Response_longer_than_max_chars_is_cut_and_marked_truncated()
    {
        var aggregator = Feed(EventStream, FixtureFiles.Read("gemini/text.sse"));

        var full = aggregator.BuildResponse(int.MaxValue, out _);
        var cut = aggregator.BuildResponse(40, out var truncated);

        Assert.That(cut, Is.EqualTo(full[..40]));
        Assert.That(truncated, Is.True);
    }

    [Test]
    public void The_factory_gives_the_gemini_format_its_own_aggregator()
    {
        Assert.That(AggregatorFactory.Create("gemini", "text/event-stream").Format, Is.EqualTo("gemini"));
    }
}
