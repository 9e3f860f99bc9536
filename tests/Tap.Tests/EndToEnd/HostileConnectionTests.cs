using System.Buffers.Binary;
using System.IO.Pipes;
using System.Text;
using Tap.Protocol;
using Tap.Shim;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>A misbehaving shim gets an Error naming what it did wrong, and only its connection closes.</summary>
public class HostileConnectionTests
{
    private static readonly byte[] Id = Guid.NewGuid().ToByteArray();

    private static IEnumerable<TestCaseData> Offences()
    {
        yield return new TestCaseData(Frames(new StartMessage { ExecutionId = Id }), "handshake_required").SetName("Start before Hello");
        yield return new TestCaseData(Frames(Hello(1), new ChunkMessage { ExecutionId = Id, Sequence = 1, Data = [1] }), "unknown_execution").SetName("Chunk for an execution never started");
        yield return new TestCaseData(Frames(Hello(1), new StartMessage { ExecutionId = Id }, new StartMessage { ExecutionId = Id }), "invalid_field").SetName("Execution started twice");
        yield return new TestCaseData(Frames(Hello(1), new StartMessage { ExecutionId = Id }, new EndMessage { ExecutionId = Id, Sequence = 1 }, new EndMessage { ExecutionId = Id, Sequence = 2 }), "unknown_execution").SetName("Duplicate End");
        yield return new TestCaseData(Frames(Hello(1), new AckMessage()), "invalid_field").SetName("Reply type sent by a shim");
        yield return new TestCaseData(Concat(Frames(Hello(1)), LengthPrefix(200_000_000)), "frame_too_large").SetName("Declared length far over the limit");
        yield return new TestCaseData(Concat(Frames(Hello(1)), LengthPrefix(3), [0x92, 0x63, 0x90]), "unknown_message_type").SetName("Unknown message type");
        yield return new TestCaseData(Frames(Hello(9)), "is not supported").SetName("Unknown protocol version is refused");
    }

    [TestCaseSource(nameof(Offences))]
    public async Task Offending_connection_is_closed_with_a_reason_and_others_go_on(byte[] bytes, string expected)
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName });
        await Eventually.TrueAsync(() => client.IsConnected, "the good client connects");

        var reply = await SendAsync(sidecar.PipeName, bytes);

        Assert.That(reply, Does.Contain(expected));
        using (var execution = client.StartExecution(new TapExecutionInfo { Format = TapApiFormat.OpenAIChatCompletions }))
        {
            execution.Response(200, "application/json");
            execution.UpstreamEnd();
        }

        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 1, "the good client's execution is still recorded");
        Assert.That(client.Counters.Connects, Is.EqualTo(1));
    }

    /// <summary>Sends the bytes, then reads until the sidecar closes the connection.</summary>
    private static async Task<string> SendAsync(string pipeName, byte[] bytes)
    {
        await using var pipe = new NamedPipeClientStream(".", pipeName, PipeDirection.InOut, PipeOptions.Asynchronous);
        await pipe.ConnectAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
        await pipe.WriteAsync(bytes);
        var received = new MemoryStream();
        await pipe.CopyToAsync(received).WaitAsync(TimeSpan.FromSeconds(15));
        return Encoding.UTF8.GetString(received.ToArray());
    }

    private static HelloMessage Hello(int version) => new() { ProtocolVersion = version, ProcessName = "hostile" };

    private static byte[] Frames(params ProtocolMessage[] messages) => [.. messages.SelectMany(ProtocolSerializer.ToFrame)];

    private static byte[] LengthPrefix(uint length)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, length);
        return prefix;
    }

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
