using BenchmarkDotNet.Attributes;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Shim;

namespace Tap.Benchmarks.Micro;

/// <summary>
/// The proxy's cost of one <see cref="TapExecution.Chunk"/>, with the client connected to a real pipe whose
/// server reads and discards. Not a disconnected endpoint: there the buffer fills within microseconds and every
/// later chunk takes the drop path, which measures dropping, not forwarding (<see cref="ShimDropBenchmarks"/>
/// measures that on purpose). One operation is a burst of chunks of one execution; between iterations the execution
/// ends and the writer catches up until the server has acknowledged it (the shim holds an execution's frames until
/// then), so the buffer never fills, and during a burst it drains concurrently, as it does in a gateway.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class ShimChunkBenchmarks : IDisposable
{
    private DiscardServer? _server;
    private TapClient? _client;
    private TapExecution? _execution;
    private byte[] _data = [];

    [Params(64, 1024, 16384)]
    public int ChunkBytes { get; set; }

    /// <summary>Chunks per operation, back to back.</summary>
    [Params(64, 4096)]
    public int Burst { get; set; }

    /// <summary>Frames the shim dropped during these benchmarks: must stay 0 for the figures to mean forwarding.</summary>
    internal static long DroppedFrames { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        var pipe = Endpoints.UniquePipeName();
        _server = new DiscardServer(pipe);

        // Room for a whole burst (4,096 chunks of 16 KiB) even if the writer fell behind completely.
        _client = BenchClients.ConnectAsync(pipe, maxBufferedBytes: 256L * 1024 * 1024).GetAwaiter().GetResult();
        _data = new byte[ChunkBytes];
        Array.Fill(_data, (byte)'x');
    }

    [Benchmark]
    public void Chunk()
    {
        var execution = _execution!;
        var data = _data;
        for (var i = 0; i < Burst; i++)
        {
            execution.Chunk(data);
        }
    }

    [IterationSetup]
    public void StartExecution() => _execution = ExecutionReplay.Start(_client!, FixtureSet.Text("openai-chat"), 0);

    [IterationCleanup]
    public void WaitForAcknowledgement()
    {
        ExecutionReplay.Finish(_execution!);
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
        DroppedFrames += _client?.Counters.FramesDropped ?? 0;
        _client?.Dispose();
        _server?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _client = null;
        _server = null;
        GC.SuppressFinalize(this);
    }
}
