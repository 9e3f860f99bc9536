using System.Diagnostics;
using Tap.Protocol;
using Tap.Shim;
using Tap.Sidecar.Records;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Shim;

/// <summary>The shim's spool on real files: spill over the memory cap, replay, adoption by the next process, torn tails, the byte cap.</summary>
public class SpoolTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");

    [Test]
    public async Task Sidecar_away_longer_than_the_memory_cap_holds_spills_to_disk_and_records_every_execution_after_it_starts()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        await using var client = new TapClient(Options(pipe, folder.File("spool")));
        const int total = 2_000;
        await ReportAsync(client, total, "away");
        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the oldest move to the spool until memory is within its cap");
        var spilled = client.Counters;
        Assert.That(spilled.FramesSpilled, Is.GreaterThan(0));
        Assert.That(spilled.SpoolBytes, Is.GreaterThan(total * Transcript.Length / 2), "most of it waits on disk");
        Assert.That(spilled.BufferedBytes, Is.LessThanOrEqualTo(64 * 1024), "memory stays within its cap");

        await using var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == total, "every execution is recorded and acknowledged", TimeSpan.FromSeconds(60));

        var records = sidecar.Records.Query(new RecordQuery { Limit = 10_000 });
        var counters = client.Counters;
        TestContext.Out.WriteLine($"spilled {spilled.FramesSpilled} frames, {spilled.SpoolBytes / 1024} KiB on disk; read back {counters.FramesReadFromSpool}");
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(total));
            Assert.That(records.Select(r => r.Status), Is.All.EqualTo("completed"));
            Assert.That(counters.ExecutionsDropped, Is.Zero);
            Assert.That(counters.FramesReadFromSpool, Is.GreaterThan(0));
            Assert.That(counters.SpoolBytes, Is.Zero, "acknowledged segments are deleted");
            Assert.That(counters.BufferedBytes, Is.Zero);
        });
    }

    [Test]
    public async Task A_sidecar_that_stops_reading_makes_the_shim_spill_instead_of_dropping()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(Options(pipe, folder.File("spool")));
        await Eventually.TrueAsync(() => client.IsConnected, "connected");
        sidecar.PauseReading();

        const int total = 2_000;
        await ReportAsync(client, total, "pushed-back");
        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the loop spills while its write waits");
        var spilled = client.Counters.FramesSpilled;
        sidecar.ResumeReading();

        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Select(e => ExecutionIds.FromBytes(e.ExecutionId)).Distinct().Count() == total, () => $"every execution arrives: {client.Counters}, {sidecar.OfType<EndMessage>().Count()} Ends, errors {string.Join("; ", sidecar.Errors)}", TimeSpan.FromSeconds(60));
        TestContext.Out.WriteLine($"spilled {spilled} frames while the sidecar did not read");
        Assert.Multiple(() =>
        {
            Assert.That(spilled, Is.GreaterThan(0));
            Assert.That(client.Counters.ExecutionsDropped, Is.Zero);
            Assert.That(sidecar.OfType<LossMessage>(), Is.Empty);
        });
    }

    [Test]
    public async Task A_new_client_on_the_same_spool_folder_delivers_what_a_disposed_one_left()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var spool = folder.File("spool");
        await using (var first = new TapClient(Options(pipe, spool, shutdown: TimeSpan.FromMilliseconds(100))))
        {
            await ReportAsync(first, 50, "left");
        }

        Assert.That(SpoolFiles.Ends(spool), Is.EqualTo(50), "the disposed client left every execution on disk");

        await using var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await using var second = new TapClient(Options(pipe, spool));
        await Eventually.TrueAsync(() => sidecar.Records.Count() == 50 && second.Counters.SpoolBytes == 0, "the next client delivers them all", TimeSpan.FromSeconds(30));
        var records = sidecar.Records.Query(new RecordQuery { Limit = 100 });
        Assert.Multiple(() =>
        {
            Assert.That(second.Counters.ExecutionsAdopted, Is.EqualTo(50));
            Assert.That(records.Select(r => r.Status), Is.All.EqualTo("completed"));
            Assert.That(records.Select(r => r.RequestId).Distinct().Count(), Is.EqualTo(50));
            Assert.That(SpoolFiles.Segments(spool), Is.Empty, "delivered segments are deleted");
        });
    }

    [Test]
    public async Task A_live_clients_segments_are_not_adopted_by_another_client_on_the_same_folder()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var spool = folder.File("spool");
        await using var first = new TapClient(Options(pipe, spool));
        await ReportAsync(first, 100, "owned");
        await Eventually.TrueAsync(() => first.Counters.SpoolBytes > 0, "the first client spills");

        await using var second = new TapClient(Options(pipe, spool));
        await using var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await Eventually.TrueAsync(() => first.Counters.ExecutionsAcknowledged == 100 && second.IsConnected, () => $"the first client delivers its own: {first.Counters}; second {second.Counters}", TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(second.Counters.ExecutionsAdopted, Is.Zero);
            Assert.That(sidecar.Records.Count(), Is.EqualTo(100));
        });
    }

    [Test]
    public async Task Torn_segment_tail_is_skipped_and_counted()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var spool = folder.File("spool");
        await using (var first = new TapClient(Options(pipe, spool, shutdown: TimeSpan.FromMilliseconds(100))))
        {
            await ReportAsync(first, 10, "torn");
        }

        // A crash mid-write: the last record (the last execution's End) is cut short.
        var last = SpoolFiles.Segments(spool)[^1];
        using (var file = new FileStream(last, FileMode.Open))
        {
            file.SetLength(file.Length - 5);
        }

        await using var sidecar = new RawSidecar(pipe);
        await using var second = new TapClient(Options(pipe, spool));
        await Eventually.TrueAsync(() => sidecar.OfType<StartMessage>().Count() == 10 && sidecar.OfType<EndMessage>().Count() == 9, "everything before the torn record is replayed");
        Assert.Multiple(() =>
        {
            Assert.That(second.Counters.SpoolCorruptSegments, Is.EqualTo(1));
            Assert.That(second.Counters.ExecutionsAdopted, Is.EqualTo(10), "the execution whose End was torn goes as it is, for the sidecar's rule 7");
            Assert.That(second.Counters.ExecutionsDropped, Is.Zero);
        });
    }

    [Test]
    public async Task Spool_over_its_byte_cap_drops_whole_executions_oldest_first_and_reports_them_in_a_Loss_frame()
    {
        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var options = Options(pipe, folder.File("spool"));
        options.Spool.MaxBytes = 256 * 1024;
        await using var client = new TapClient(options);
        var ids = await ReportAsync(client, 300, "capped");
        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the oldest move to the spool until memory is within its cap");
        var dropped = client.Counters.ExecutionsDropped;
        Assert.That(dropped, Is.InRange(1, 299));
        Assert.That(client.Counters.SpoolBytes, Is.LessThanOrEqualTo(256 * 1024));

        await using var sidecar = new RawSidecar(pipe);
        await Eventually.TrueAsync(() => sidecar.OfType<LossMessage>().Sum(l => l.ExecutionIds.Length) == dropped, "the drops are reported");
        await Eventually.TrueAsync(() => sidecar.OfType<StartMessage>().Count() == 300 - dropped, "the rest is replayed");
        var losses = sidecar.OfType<LossMessage>().ToList();
        var lost = losses.SelectMany(l => l.ExecutionIds).Select(b => ExecutionIds.FromBytes(b)).ToList();
        var delivered = sidecar.OfType<StartMessage>().Select(s => ExecutionIds.FromBytes(s.ExecutionId)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(losses.Select(l => l.Reason), Is.All.EqualTo(LossReasons.SpoolFull));
            Assert.That(losses.Select(l => (l.Sequence, l.Uncounted)), Is.All.EqualTo((0u, 0L)));
            Assert.That(lost, Is.EquivalentTo(ids.Take((int)dropped)), "the oldest went, whole");
            Assert.That(delivered, Is.EquivalentTo(ids.Skip((int)dropped)), "every other execution is delivered, none twice");
        });

        await sidecar.AcknowledgeAsync(losses.Select(l => l.ExecutionId));
        await Eventually.TrueAsync(() => client.Counters.LossReportsAcknowledged == losses.Count, "the report is kept until acknowledged");
    }

    [Test]
    public async Task Executions_dropped_at_the_memory_cap_without_a_spool_are_reported_in_a_Loss_frame_replayed_until_acknowledged()
    {
        var pipe = TestEndpoints.UniquePipeName();
        var options = Options(pipe, spool: null);
        options.Spool.Mode = TapSpoolMode.Off;
        await using var client = new TapClient(options);
        var ids = await ReportAsync(client, 100, "memory");
        await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the shim keeps within its cap");
        var dropped = client.Counters.ExecutionsDropped;
        Assert.That(dropped, Is.InRange(1, 99));

        await using var sidecar = new RawSidecar(pipe);
        await Eventually.TrueAsync(() => sidecar.OfType<LossMessage>().Any(), "the drops are reported once connected");
        var loss = sidecar.OfType<LossMessage>().Single();
        Assert.Multiple(() =>
        {
            Assert.That(loss.Reason, Is.EqualTo(LossReasons.MemoryCap));
            Assert.That(loss.ExecutionIds.Select(b => ExecutionIds.FromBytes(b)), Is.EquivalentTo(ids.Take((int)dropped)));
            Assert.That(sidecar.OfType<HelloMessage>().First().DroppedExecutions, Is.EqualTo(dropped), "older sidecars still get the count");
        });

        sidecar.DropConnection();
        await Eventually.TrueAsync(() => sidecar.OfType<LossMessage>().Count() == 2, "an unacknowledged report is replayed on the next connection");
        Assert.That(sidecar.OfType<LossMessage>().Last().ExecutionId, Is.EqualTo(loss.ExecutionId), "under the same report id");
        await sidecar.AcknowledgeAsync([loss.ExecutionId]);
        await Eventually.TrueAsync(() => client.Counters.LossReportsAcknowledged == 1, "acknowledged");
    }

    [Test]
    public async Task Execution_the_sidecar_has_in_full_is_never_reported_lost()
    {
        var pipe = TestEndpoints.UniquePipeName();
        var options = Options(pipe, spool: null);
        options.Spool.Mode = TapSpoolMode.Off;
        await using var sidecar = new RawSidecar(pipe);
        await using var client = new TapClient(options);
        await Eventually.TrueAsync(() => client.IsConnected, "connected");

        // Written in full on the live connection but never acknowledged: the cap evicts their replay only.
        await ReportAsync(client, 100, "in-full");
        await Eventually.TrueAsync(() => sidecar.OfType<EndMessage>().Count() == 100 && client.Counters.BufferedBytes <= 64 * 1024, "all written");
        Assert.That(client.Counters.ExecutionsDropped, Is.Zero);
        Assert.That(sidecar.OfType<LossMessage>(), Is.Empty);
    }

    [Test]
    public async Task Full_spool_disk_never_throws_into_the_host_and_counts_every_drop()
    {
        if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
        {
            Assert.Ignore("Mounting a tmpfs needs root on Linux.");
        }

        using var folder = new TempFolder();
        var disk = folder.File("disk");
        Directory.CreateDirectory(disk);
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk);
        try
        {
            var pipe = TestEndpoints.UniquePipeName();
            await using var client = new TapClient(Options(pipe, Path.Combine(disk, "spool")));
            var stopwatch = Stopwatch.StartNew();
            Assert.That(async () => await ReportAsync(client, 1_000, "full"), Throws.Nothing);
            await Eventually.TrueAsync(() => client.Counters.BufferedBytes <= 64 * 1024, "the rest is spooled or dropped", TimeSpan.FromSeconds(30));
            var dropped = client.Counters.ExecutionsDropped;
            TestContext.Out.WriteLine($"{dropped} dropped, {client.Counters.SpoolBytes / 1024} KiB spooled, in {stopwatch.Elapsed.TotalSeconds:0.0} s");
            Assert.That(dropped, Is.InRange(1, 999), "3 MB of executions do not fit a 1 MiB disk");

            await using var sidecar = new RawSidecar(pipe);
            await Eventually.TrueAsync(() => sidecar.OfType<LossMessage>().Sum(l => l.ExecutionIds.Length) == client.Counters.ExecutionsDropped, () => $"every drop is reported: {client.Counters}, {sidecar.OfType<LossMessage>().Sum(l => l.ExecutionIds.Length)} reported, {sidecar.OfType<StartMessage>().Count()} Starts, errors {string.Join("; ", sidecar.Errors)}", TimeSpan.FromSeconds(30));
            await Eventually.TrueAsync(() => sidecar.OfType<StartMessage>().Count() == 1_000 - client.Counters.ExecutionsDropped, "the rest is delivered", TimeSpan.FromSeconds(30));
            Assert.That(sidecar.OfType<LossMessage>().Select(l => l.Reason), Is.All.EqualTo(LossReasons.SpoolFull));
        }
        finally
        {
            await RunAsync("umount", "-l", disk);
        }
    }

    [Test]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Mode_Always_delivers_after_a_gateway_SIGKILL_every_execution_whose_frames_reached_the_spool()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGKILL is a Unix signal.");
        }

        using var folder = new TempFolder();
        var pipe = TestEndpoints.UniquePipeName();
        var spool = folder.File("spool");
        await using var provider = await FakeProvider.StartAsync(ProviderResponse.Streamed(Transcript, TimeSpan.Zero));
        var gateway = await GatewayChildProcess.StartAsync(provider.BaseAddress, pipe, "--Tap:Spool:Mode", "Always", "--Tap:Spool:Path", spool);
        const int total = 40;
        using (var http = gateway.CreateClient())
        {
            for (var i = 0; i < total; i++)
            {
                var (response, body) = await StreamingClient.ReadAllAsync(http, StreamingClient.Post("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[]}""", $"killed-{i}"));
                Assert.That(body, Has.Length.EqualTo(Transcript.Length));
            }
        }

        await Eventually.TrueAsync(() => SpoolFiles.Ends(spool) == total, "every execution reached the spool");
        await gateway.KillAsync();
        await gateway.DisposeAsync();

        await using var sidecar = await SidecarProcess.StartAsync(pipe, folder.File("tap.db"));
        await using var restarted = await GatewayChildProcess.StartAsync(provider.BaseAddress, pipe, "--Tap:Spool:Mode", "Always", "--Tap:Spool:Path", spool);
        var records = await sidecar.WaitForRecordsAsync(total, TimeSpan.FromSeconds(30));
        Assert.Multiple(() =>
        {
            Assert.That(records.Select(r => r.RequestId), Is.EquivalentTo(Enumerable.Range(0, total).Select(i => $"killed-{i}")));
            Assert.That(records.Where(r => r.Status != "completed").Select(r => $"{r.RequestId}: {r.Explanation}"), Is.Empty);
        });
        await Eventually.TrueAsync(() => SpoolFiles.Bytes(spool) == 0, "the delivered segments are emptied");
    }

    private static TapClientOptions Options(string pipe, string? spool, TimeSpan? shutdown = null)
    {
        var options = new TapClientOptions
        {
            Endpoint = pipe,
            MaxBufferedBytes = 64 * 1024,
            // Frames this size give the hard cap 128 KiB beyond the memory cap: room for the loop to be late.
            MaxFrameBytes = 32 * 1024,
            MinReconnectDelay = TimeSpan.FromMilliseconds(20),
            MaxReconnectDelay = TimeSpan.FromMilliseconds(100),
            ShutdownTimeout = shutdown ?? TimeSpan.FromSeconds(2),
        };
        options.Spool.Path = spool;
        return options;
    }

    /// <summary>Whole executions at a gateway's pace (a tight loop outruns the loop and hits the hard cap instead).</summary>
    private static async Task<List<Guid>> ReportAsync(TapClient client, int count, string prefix)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"{prefix}-{i}", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
            ids.Add(execution.Id);
            execution.Response(200, "text/event-stream");
            execution.Chunk(Transcript);
            execution.UpstreamEnd();
            if (i % 2 == 1)
            {
                await Task.Delay(1);
            }
        }

        return ids;
    }

    private static async Task RunAsync(string command, params string[] arguments)
    {
        using var process = Process.Start(command, arguments);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(process.ExitCode, Is.Zero, $"{command} {string.Join(' ', arguments)}");
    }
}
