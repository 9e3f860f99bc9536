using System.Buffers;
using System.Threading.Channels;
using BenchmarkDotNet.Attributes;
using Tap.Protocol;

namespace Tap.Benchmarks.Micro;

/// <summary>
/// Where a 64-byte chunk's time goes: each step of <c>TapExecution.Chunk</c> alone, on one thread, with no writer
/// competing for the same memory. Their sum beside <see cref="ShimChunkBenchmarks"/> shows what the concurrent
/// writer adds.
/// </summary>
[MemoryDiagnoser]
public class ShimChunkPartsBenchmarks
{
    private const int FrameBytes = ChunkFrame.Overhead + 64;
    private readonly byte[] _id = new byte[16];
    private readonly byte[] _data = new byte[64];
    private readonly byte[] _frame = new byte[FrameBytes];
    private readonly object _sync = new();
    private readonly Channel<byte[]> _channel = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly ArrayPool<byte> _pool = ArrayPool<byte>.Shared;
    private long _counter;

    [Benchmark]
    public void Lock()
    {
        lock (_sync)
        {
            _counter++;
        }
    }

    [Benchmark]
    public long Timestamp() => Timestamps.ToWire(_time.GetUtcNow());

    [Benchmark]
    public void RentAndReturn() => _pool.Return(_pool.Rent(FrameBytes));

    [Benchmark]
    public int Encode() => ChunkFrame.Write(_frame, _id, 7, 1_700_000_000_000_000, _data);

    [Benchmark]
    public long TwoInterlockedAdds() => Interlocked.Add(ref _counter, FrameBytes) + Interlocked.Increment(ref _counter);

    [Benchmark]
    public bool EnqueueAndDequeue() => _channel.Writer.TryWrite(_frame) && _channel.Reader.TryRead(out _);
}
