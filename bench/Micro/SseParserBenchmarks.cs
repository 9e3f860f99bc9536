using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Sidecar.Streams.Sse;

namespace Tap.Benchmarks.Micro;

/// <summary>The SSE parser alone over every .sse fixture of every format, fed one provider write (SSE event) at a time.</summary>
[MemoryDiagnoser]
public class SseParserBenchmarks
{
    private List<Fixture> _streams = [];
    private long _events;

    internal static long BytesPerOperation => RepeatedStreams.Bytes(RepeatedStreams.Build(FixtureSet.All));

    [GlobalSetup]
    public void Setup() => _streams = RepeatedStreams.Build(FixtureSet.All);

    [Benchmark]
    public long Parse()
    {
        foreach (var stream in _streams)
        {
            var parser = new SseParser(OnEvent);
            foreach (var data in stream.Events)
            {
                parser.Append(data);
            }

            parser.Complete();
        }

        return _events;
    }

    private void OnEvent(SseEvent sseEvent) => _events++;
}
