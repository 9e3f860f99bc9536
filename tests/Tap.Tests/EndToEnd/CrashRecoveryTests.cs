using System.Diagnostics;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// The sample gateway under 50 concurrent streams while the real <c>tap serve</c> process is stopped with SIGTERM,
/// restarted, killed with SIGKILL and restarted again: nothing the gateway served is lost or recorded twice.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class CrashRecoveryTests
{
    private const string ChatRequest = """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[]}""";

    [Test]
    public async Task Sidecar_stopped_and_then_killed_under_load_loses_and_duplicates_nothing()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGTERM and SIGKILL are Unix signals.");
        }

        var transcript = FixtureFiles.Read("openai-chat/text.sse");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(transcript, TimeSpan.FromMilliseconds(20)));
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var database = folder.File("tap.db");
        var sidecar = await TapServeProcess.StartAsync(pipe, database);
        await using var gateway = await GatewayProcess.StartAsync(provider.BaseAddress, pipe);
        using var client = gateway.CreateClient();
        await Eventually.TrueAsync(() => gateway.Tap.IsConnected, "the gateway's shim connects");

        var served = 0;
        var failures = 0;
        using var stopLoad = new CancellationTokenSource();
        var load = Enumerable.Range(0, 50).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !stopLoad.IsCancellationRequested; i++)
            {
                try
                {
                    var (response, body) = await StreamingClient.ReadAllAsync(client, StreamingClient.Post("/v1/chat/completions", ChatRequest, $"crash-{worker}-{i}"));
                    Interlocked.Increment(ref response.IsSuccessStatusCode && body.Length == transcript.Length ? ref served : ref failures);
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        })).ToArray();

        long peakBuffered = 0;
        var sampling = Task.Run(async () =>
        {
            while (!stopLoad.IsCancellationRequested)
            {
                peakBuffered = Math.Max(peakBuffered, gateway.Tap.Counters.BufferedBytes);
                await Task.Delay(10);
            }
        });
        Task ServedAtLeastAsync(int more, string what)
        {
            var target = Volatile.Read(ref served) + more;
            return Eventually.TrueAsync(() => Volatile.Read(ref served) >= target, what, TimeSpan.FromSeconds(60));
        }

        Task AcknowledgedAtLeastAsync(int more, string what)
        {
            var target = gateway.Tap.Counters.ExecutionsAcknowledged + more;
            return Eventually.TrueAsync(() => gateway.Tap.Counters.ExecutionsAcknowledged >= target, what, TimeSpan.FromSeconds(60));
        }

        // Each phase lasts until the load has gone on through it, not for a fixed time: a slow machine stretches the phases
        // instead of testing less.
        await ServedAtLeastAsync(100, "load is under way");
        var stopping = Stopwatch.StartNew();
        await sidecar.StopAsync();
        var gracefulStop = stopping.Elapsed;
        await ServedAtLeastAsync(50, "the gateway serves on while the sidecar is away");
        sidecar = await TapServeProcess.StartAsync(pipe, database);
        await AcknowledgedAtLeastAsync(50, "the restarted sidecar records");
        await sidecar.KillAsync();
        await ServedAtLeastAsync(50, "the gateway serves on after the SIGKILL");
        await using var last = await TapServeProcess.StartAsync(pipe, database);
        await AcknowledgedAtLeastAsync(50, "the sidecar started after the SIGKILL records");
        await stopLoad.CancelAsync();
        await Task.WhenAll(load);
        await sampling;

        await Eventually.TrueAsync(() => gateway.Tap.Counters.BufferedBytes == 0, () => $"every execution is acknowledged ({gateway.Tap.Counters})", TimeSpan.FromSeconds(60));
        await last.StopAsync();
        using var store = new RecordStore(database, readOnly: true);
        var records = store.Query(new RecordQuery { Limit = 1_000_000 });
        var byRequest = records.GroupBy(r => r.RequestId).ToList();
        var counters = gateway.Tap.Counters;
        TestContext.Out.WriteLine(
            $"served {served}, client errors {failures}, records {records.Count}, duplicates {byRequest.Count(g => g.Count() > 1)}, " +
            $"not completed {records.Count(r => r.Status != "completed")}, shim dropped {counters.ExecutionsDropped}, frames replayed {counters.FramesReplayed}, " +
            $"graceful stop took {gracefulStop.TotalSeconds:0.0} s, peak shim buffer {peakBuffered / 1024} KiB");
        Assert.Multiple(() =>
        {
            Assert.That(served, Is.GreaterThan(300), "several hundred executions");
            Assert.That(failures, Is.Zero, "the gateway's clients saw no error");
            Assert.That(counters.ExecutionsDropped, Is.Zero);
            Assert.That(byRequest.Where(g => g.Count() > 1).Select(g => g.Key), Is.Empty, "no execution recorded twice");
            Assert.That(records, Has.Count.EqualTo(served), "every served execution recorded");
            Assert.That(records.Where(r => r.Status != "completed").Select(r => $"{r.RequestId}: {r.Explanation}"), Is.Empty);
            Assert.That(store.Count(), Is.EqualTo(records.Count), "the file is consistent: the index and the collection agree");
        });
    }
}
