using Tap.Sidecar.Streams;

namespace Tap.Tests.Streams;

public sealed class AggregatorFactoryTests
{
    [TestCase("openai-chat")]
    [TestCase("unknown")]
    public void Chat_Completions_aggregates_its_own_format_and_unknown_ones(string format)
    {
        var aggregator = AggregatorFactory.Create(format, "text/event-stream");

        Assert.That(aggregator.Format, Is.EqualTo("openai-chat"));
    }

    [TestCase("text/event-stream", true)]
    [TestCase("Text/Event-Stream; charset=utf-8", true)]
    [TestCase("application/json", false)]
    [TestCase(null, false)]
    public void Event_stream_is_recognised_by_media_type(string? contentType, bool expected)
    {
        Assert.That(ContentTypes.IsEventStream(contentType), Is.EqualTo(expected));
    }
}
