using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Shim;

namespace Tap.Benchmarks.Micro;

/// <summary>
/// The proxy's cost of one whole execution as the sample gateway reports it (Start, Response, the body in one chunk as
/// YARP reads it, UpstreamEnd, End: five frames, what the gateway section counts per request), on a real pipe whose
/// server discards and acknowledges. One operation is a burst of 64 executions; between iterations the harness waits
/// until all are acknowledged, as <see cref="ShimChunkBenchmarks"/> does.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ShimExecutionBenchmarks : IDisposable
{
    public const int Burst = 64;

    private DiscardServer? _server;
    private TapClient? _client;
    private byte[] _body = [];
    private Fixture? _fixture;

    [GlobalSetup]
    public void Setup()
    {
        var pipe = Endpoints.UniquePipeName();
        _server = new DiscardServer(pipe);
        _client = BenchClients.ConnectAsync(pipe, maxBufferedBytes: 64L * 1024 * 1024).GetAwaiter().GetResult();
        _fixture = FixtureSet.Text("openai-chat");
        _body = _fixture.Bytes;
    }

    [Benchmark]
    public void Execution()
    {
        for (var i = 0; i < Burst; i++)
        {
            var execution = ExecutionReplay.Start(_client!, _fixture!, i);
            execution.Chunk(_body);
            ExecutionReplay.Finish(execution);
        }
    }

    [IterationCleanup]
    public void WaitForAcknowledgement()
    {
        _client!.FlushAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (_client.Counters.BufferedBytes > 0 && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(1);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _client?.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client = null;
        _server = null;
        GC.SuppressFinalize(this);
    }
}
