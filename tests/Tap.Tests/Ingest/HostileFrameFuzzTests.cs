// The sidecar's own protocol types: its decoder and tracker are what is under test, not the tests' copy.
extern alias tap;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipes;
using MessagePack;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using tap::Tap.Protocol;
using Tap.Shim;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>
/// Hostile shims: random bytes, truncated frames, huge declared lengths, deep nesting, wrong types, unknown versions,
/// frames for executions never started, duplicate End. Each may only ever close its own connection.
/// </summary>
public class HostileFrameFuzzTests
{
    private const int MaxFrameBytes = 64 * 1024;

    [Test]
    public void A_hundred_thousand_hostile_inputs_only_ever_raise_protocol_errors_and_memory_stays_bounded()
    {
        var random = new Random(20261125);
        var recorded = 0;
        var writer = new RecordWriter(batch => Interlocked.Add(ref recorded, batch.Count), new StoreOptions(), NullLogger<RecordWriter>.Instance, TimeProvider.System);
        var recorder = new ExecutionRecorder(writer, new RecordFactory(Options.Create(new StoreOptions()), TimeProvider.System), TimeProvider.System, NullLogger<ExecutionRecorder>.Instance);
        var ownership = new ExecutionOwnership(new OrphanRegistry(new IngestOptions().ResumeGracePeriod, TimeProvider.System));
        var protocolErrors = 0;
        var before = GC.GetTotalMemory(forceFullCollection: true);

        for (var i = 0; i < 100_000; i++)
        {
            var tracker = new ExecutionTracker(i, new ClientIdentity(), instance: null, recorder, ownership, _ => { }, maxInFlight: 1000);
            var buffer = new ReadOnlySequence<byte>(HostileInput(random));
            try
            {
                while (FrameReader.TryRead(ref buffer, MaxFrameBytes, out var payload))
                {
                    if (ProtocolSerializer.Decode(payload) is ExecutionMessage message)
                    {
                        tracker.Handle(message);
                    }
                }
            }
            catch (ProtocolException)
            {
                protocolErrors++;
            }

            tracker.FinalizeAll(Finalization.Shutdown, DateTimeOffset.UtcNow);
        }

        var after = GC.GetTotalMemory(forceFullCollection: true);
        TestContext.Out.WriteLine($"100,000 inputs: {protocolErrors} protocol errors, memory {before / 1024} KiB -> {after / 1024} KiB");
        Assert.That(protocolErrors, Is.GreaterThan(50_000), "most hostile inputs are refused");
        Assert.That(after - before, Is.LessThan(64L * 1024 * 1024), "nothing a hostile input sends is kept");
    }

    [Test]
    public async Task Hostile_connections_over_the_real_pipe_never_stop_the_sidecar_or_other_shims()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName });
        var random = new Random(7);

        for (var i = 0; i < 300; i++)
        {
            await using var hostile = new NamedPipeClientStream(".", sidecar.PipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
            await hostile.ConnectAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            await hostile.WriteAsync(Concat(Frame(new HelloMessage { ProtocolVersion = 1 }), HostileInput(random)));
            if (i % 10 == 0)
            {
                using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"good-{i}" });
                execution.Response(200, "application/json");
                execution.UpstreamEnd();
            }
        }

        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 30, "every good execution is recorded", TimeSpan.FromSeconds(30));
        Assert.That(client.Counters.Connects, Is.EqualTo(1), "the good shim was never disconnected");
    }

    /// <summary>One hostile input: after a valid handshake's worth of bytes, something a shim must never send.</summary>
    private static byte[] HostileInput(Random random)
    {
        var id = new byte[16];
        random.NextBytes(id);
        var start = Frame(new StartMessage { ExecutionId = id });
        return random.Next(10) switch
        {
            0 => Bytes(random, random.Next(1, 200)),
            1 => start[..random.Next(1, start.Length)],
            2 => Length((uint)random.Next(MaxFrameBytes + 1, int.MaxValue)),
            3 => Frame(Nested(random.Next(20, 2000))),
            4 => Frame(Raw((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(2); w.WriteArrayHeader(3); w.Write("not an id"); w.Write(true); w.Write(1.5); })),
            5 => Frame(new HelloMessage { ProtocolVersion = random.Next(2, 100) }),
            6 => Frame(new ChunkMessage { ExecutionId = id, Sequence = 1, Data = Bytes(random, 50) }),
            7 => Concat(start, Frame(new EndMessage { ExecutionId = id, Sequence = 1 }), Frame(new EndMessage { ExecutionId = id, Sequence = 2 })),
            8 => Concat(start, Mutate(Frame(new ChunkMessage { ExecutionId = id, Sequence = 1, Data = Bytes(random, 100) }), random)),
            _ => Frame(Raw((ref MessagePackWriter w) => { w.WriteArrayHeader(2); w.Write(random.Next(7, 64)); w.WriteNil(); })),
        };
    }

    private static byte[] Nested(int depth) => Raw((ref MessagePackWriter w) =>
    {
        w.WriteArrayHeader(2);
        w.Write(4);
        for (var i = 0; i < depth; i++)
        {
            w.WriteArrayHeader(1);
        }

        w.WriteNil();
    });

    private delegate void BodyWriter(ref MessagePackWriter writer);

    private static byte[] Raw(BodyWriter write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(buffer);
        write(ref writer);
        writer.Flush();
        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] Frame(ProtocolMessage message) => ProtocolSerializer.ToFrame(message);

    private static byte[] Frame(byte[] payload) => Concat(Length((uint)payload.Length), payload);

    private static byte[] Length(uint length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, length);
        return prefix;
    }

    private static byte[] Bytes(Random random, int count)
    {
        var bytes = new byte[count];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutate(byte[] frame, Random random)
    {
        var copy = frame.ToArray();
        copy[random.Next(4, copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
