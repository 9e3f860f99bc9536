using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Sidecar.Streams;

namespace Tap.Benchmarks.Micro;

/// <summary>Each format's aggregator (its SSE parsing, JSON reading and aggregation) over that format's .sse fixtures, one SSE event per call.</summary>
[MemoryDiagnoser]
public class AggregatorBenchmarks
{
    private List<Fixture> _streams = [];

    [Params("openai-chat", "openai-responses", "anthropic-messages", "gemini")]
    public string Format { get; set; } = "";

    internal static long BytesPerOperation(string format) => RepeatedStreams.Bytes(RepeatedStreams.Build(FixtureSet.Of(format)));

    [GlobalSetup]
    public void Setup() => _streams = RepeatedStreams.Build(FixtureSet.Of(Format));

    [Benchmark]
    public long Aggregate()
    {
        var at = DateTimeOffset.UnixEpoch;
        long events = 0;
        foreach (var stream in _streams)
        {
            var aggregator = AggregatorFactory.Create(Format, "text/event-stream");
            foreach (var data in stream.Events)
            {
                aggregator.Append(data, at);
            }

            aggregator.CompleteUpstream(at);
            events += aggregator.EventCount;
        }

        return events;
    }
}
