using System.Buffers.Binary;
using System.IO.Pipes;
using System.Text.Json;
using System.Text;
using Tap.Sidecar.Control;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Records;
using Tap.Tests.Support;

namespace Tap.Tests.Control;

public sealed class ControlListenerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [TestCase("{not json", TestName = "Invalid JSON closes only its connection")]
    [TestCase("null", TestName = "A null request closes only its connection")]
    public async Task A_malformed_request_gets_a_reason_and_the_next_client_is_served(string payload)
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var bad = await ConnectAsync(sidecar.PipeName);

        await WriteFrameAsync(bad, Encoding.UTF8.GetBytes(payload));
        var answer = await ReadAnswerAsync(bad);

        Assert.That(answer.GetProperty("error").GetProperty("code").GetString(), Is.EqualTo("bad_request"));
        Assert.That(await bad.ReadAsync(new byte[1]).AsTask().WaitAsync(Timeout), Is.Zero, "the connection is closed");
        await using var good = await ControlClient.TryConnectAsync(sidecar.PipeName, Timeout, CancellationToken.None);
        Assert.That(await good!.CountAsync(new RecordQuery(), CancellationToken.None), Is.Zero);
    }

    [Test]
    public async Task An_oversized_frame_is_refused_before_it_is_read()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var client = await ConnectAsync(sidecar.PipeName);
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, 1u << 30);

        await client.WriteAsync(prefix);
        var answer = await ReadAnswerAsync(client);

        Assert.That(answer.GetProperty("error").GetProperty("message").GetString(), Does.Contain("outside"));
    }

    [Test]
    public async Task An_unknown_command_is_a_bad_request_and_the_connection_stays_open()
    {
        await using var sidecar = await SidecarProcess.StartAsync();
        await using var client = await ConnectAsync(sidecar.PipeName);

        await WriteFrameAsync(client, """{"command":"drop_tables"}"""u8.ToArray());
        var first = await ReadAnswerAsync(client);
        await WriteFrameAsync(client, """{"command":"count","query":{}}"""u8.ToArray());
        var second = await ReadAnswerAsync(client);

        await WriteFrameAsync(client, """{"command":"list","query":{"limit":2000000000}}"""u8.ToArray());
        var third = await ReadAnswerAsync(client);

        Assert.That(first.GetProperty("error").GetProperty("message").GetString(), Does.Contain("drop_tables"));
        Assert.That(second.GetProperty("count").GetInt64(), Is.Zero);
        Assert.That(third.GetProperty("error").GetProperty("message").GetString(), Does.Contain("limit"));
    }

    [Test]
    public async Task A_sidecar_that_accepts_and_never_answers_fails_the_request_after_the_reply_timeout()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var silent = new NamedPipeServerStream(ControlEndpoint.For(pipe), PipeDirection.InOut, 1, PipeTransmissionMode.Byte, PipeOptions.Asynchronous);
        var accepted = silent.WaitForConnectionAsync();
        await using var client = await ControlClient.TryConnectAsync(pipe, Timeout, CancellationToken.None, replyTimeout: TimeSpan.FromMilliseconds(300));
        await accepted.WaitAsync(Timeout);
        var started = DateTime.UtcNow;

        var failure = Assert.ThrowsAsync<ControlException>(() => client!.CountAsync(new RecordQuery(), CancellationToken.None));

        Assert.That(failure!.Code, Is.EqualTo("timeout"));
        Assert.That(failure.Message, Does.Contain("did not answer 'count' within 0.3 s"));
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(5)));
    }

    [Test]
    public async Task No_sidecar_means_no_client_quickly()
    {
        var started = DateTime.UtcNow;

        var client = await ControlClient.TryConnectAsync(TestEndpoints.UniquePipeName(), TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.That(client, Is.Null);
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(2)));
    }

    private static async Task<NamedPipeClientStream> ConnectAsync(string pipeName)
    {
        var client = new NamedPipeClientStream(".", ControlEndpoint.For(pipeName), PipeDirection.InOut, PipeOptions.Asynchronous);
        await client.ConnectAsync((int)Timeout.TotalMilliseconds);
        return client;
    }

    private static async Task WriteFrameAsync(Stream stream, byte[] payload)
    {
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, (uint)payload.Length);
        await stream.WriteAsync(prefix);
        await stream.WriteAsync(payload);
    }

    private static async Task<JsonElement> ReadAnswerAsync(Stream stream)
    {
        var payload = await ControlFraming.ReadAsync(stream, 1 << 20, CancellationToken.None).WaitAsync(Timeout);
        Assert.That(payload, Is.Not.Null);
        return JsonDocument.Parse(payload!).RootElement.Clone();
    }
}
