using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Shim;

namespace Tap.Benchmarks.Micro;

/// <summary>The proxy's cost of a chunk while the sidecar is down and the shim's buffer is at its cap: the chunk is dropped and counted.</summary>
[MemoryDiagnoser]
public class ShimDropBenchmarks : IDisposable
{
    private const int ChunksPerInvoke = 64;
    private TapClient? _client;
    private TapExecution? _execution;
    private readonly byte[] _data = new byte[1024];

    [GlobalSetup]
    public void Setup()
    {
        // Nobody listens on this pipe; the smallest buffer the options allow fills at once.
        _client = new TapClient(new TapClientOptions { Endpoint = Endpoints.UniquePipeName(), MaxBufferedBytes = 2 * 1024 * 1024, Spool = { Mode = TapSpoolMode.Off } });
        _execution = ExecutionReplay.Start(_client, FixtureSet.Text("openai-chat"), 0);
        while (_client.Counters.FramesDropped == 0)
        {
            _execution.Chunk(_data);
        }
    }

    [Benchmark(OperationsPerInvoke = ChunksPerInvoke)]
    public void ChunkWhileSidecarDown()
    {
        var execution = _execution!;
        for (var i = 0; i < ChunksPerInvoke; i++)
        {
            execution.Chunk(_data);
        }
    }

    [GlobalCleanup]
    public void Dispose()
    {
        _client?.Dispose();
        _client = null;
        GC.SuppressFinalize(this);
    }
}
