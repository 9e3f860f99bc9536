using System.Diagnostics;
using Microsoft.Extensions.Time.Testing;
using Tap.Protocol;
using Tap.Shim;
using Tap.Tests.Support;

namespace Tap.Tests.Shim;

/// <summary>The delivery loop's reaction to a connection that dies or stalls while it writes.</summary>
public class DeliveryLoopTests
{
    [Test]
    public async Task Idle_client_whose_connection_died_during_a_write_reconnects_without_a_new_frame()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe, MinReconnectDelay = TimeSpan.FromMilliseconds(20), MaxReconnectDelay = TimeSpan.FromMilliseconds(100), Spool = { Mode = TapSpoolMode.Off } });
        await Eventually.TrueAsync(() => client.IsConnected, "the client connects");
        sidecar.PauseReading();

        // Enough bytes to fill the socket's buffers, so the loop is inside a write when the connection goes.
        using (var execution = client.StartExecution(new TapExecutionInfo { RequestId = "stuck" }))
        {
            execution.Chunk(new byte[8 * 1024 * 1024]);
        }

        // The loop has begun writing what the paused sidecar cannot take: it is inside a write that cannot finish.
        await Eventually.TrueAsync(() => client.Counters.FramesWritten > 0, "the loop is writing");
        sidecar.DropConnection();
        sidecar.ResumeReading();

        await Eventually.TrueAsync(() => sidecar.Connections == 2 && client.IsConnected, "the client reconnects by itself", TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Any(), "the execution is replayed on the new connection", TimeSpan.FromSeconds(10));
    }

    [Test]
    public async Task Dispose_is_bounded_while_the_sidecar_has_paused_its_reads()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        var client = new TapClient(new TapClientOptions { Endpoint = pipe, ShutdownTimeout = TimeSpan.FromMilliseconds(200), Spool = { Mode = TapSpoolMode.Off } });
        await Eventually.TrueAsync(() => client.IsConnected, "the client connects");
        sidecar.PauseReading();
        using (var execution = client.StartExecution(new TapExecutionInfo { RequestId = "paused" }))
        {
            execution.Chunk(new byte[8 * 1024 * 1024]);
        }

        await Eventually.TrueAsync(() => client.Counters.FramesWritten > 0, "the loop is inside a write the paused sidecar cannot take");
        var stopwatch = Stopwatch.StartNew();
        var disposing = client.DisposeAsync().AsTask();
        var finished = await Task.WhenAny(disposing, Task.Delay(TimeSpan.FromSeconds(20)));
        stopwatch.Stop();
        sidecar.ResumeReading();

        Assert.That(finished, Is.SameAs(disposing), "DisposeAsync returned");
        Assert.That(stopwatch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(5)), "bounded by ShutdownTimeout plus a fixed write bound");
    }

    [Test]
    public async Task Hello_names_the_client_instance_with_16_random_bytes_new_per_client()
    {
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using (var first = new TapClient(new TapClientOptions { Endpoint = pipe }))
        {
            await Eventually.TrueAsync(() => first.IsConnected, "the first client connects");
        }

        await using var second = new TapClient(new TapClientOptions { Endpoint = pipe });
        await Eventually.TrueAsync(() => sidecar.OfType<HelloMessage>().Count() == 2, "both clients said Hello");
        var ids = sidecar.OfType<HelloMessage>().Select(h => h.InstanceId).ToList();
        Assert.That(ids, Has.All.Not.Null.And.All.Property("Length").EqualTo(16));
        Assert.That(ids[0], Is.Not.EqualTo(ids[1]));
    }

    [Test]
    public async Task A_backlog_of_many_batches_is_written_back_to_back_without_resting_between_full_ones()
    {
        // The clock never moves: a loop that rested after every 64 KiB batch (it did, capping what a busy gateway could
        // deliver until its backlog went to the spool) would write the first batch and no more.
        var pipe = TestEndpoints.UniquePipeName();
        var frozen = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var client = new TapClient(new TapClientOptions { Endpoint = pipe, ConnectTimeout = TimeSpan.FromSeconds(30), ShutdownTimeout = TimeSpan.Zero, Spool = { Mode = TapSpoolMode.Off } }, frozen);
        RawSidecar? sidecar = null;
        try
        {
            // Staged before there is a sidecar, so that the loop finds them all waiting when it connects.
            for (var i = 0; i < 64; i++)
            {
                using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"backlog-{i}" });
                execution.Chunk(new byte[4 * 1024]);
            }

            sidecar = new RawSidecar(pipe);
            var listening = sidecar;
            await Eventually.TrueAsync(() => listening.OfType<EndMessage>().Count() == 64, "all 256 KiB reach the sidecar with the clock standing still", TimeSpan.FromSeconds(20));
        }
        finally
        {
            frozen.Advance(TimeSpan.FromMinutes(1));
            await client.DisposeAsync();
            if (sidecar is not null)
            {
                await sidecar.DisposeAsync();
            }
        }
    }
}
