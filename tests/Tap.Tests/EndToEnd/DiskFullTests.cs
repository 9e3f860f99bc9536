using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tap.Shim;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>The disk fills up under the sidecar: it keeps running and accepting, holds the records, and writes them when space is back.</summary>
public class DiskFullTests
{
    [Test]
    public async Task Full_disk_holds_records_in_memory_and_writes_them_when_space_is_back()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), "tap-tests", "tinyfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mountPoint);
        if (Environment.UserName != "root" || await RunAsync("mount", $"-t tmpfs -o size=512k tmpfs {mountPoint}") != 0)
        {
            Assert.Ignore("Needs root and mount to give the sidecar a small real file system.");
        }

        try
        {
            var transcript = FixtureFiles.Read("openai-chat/text.sse");
            await using var sidecar = await SidecarProcess.StartAsync(databasePath: Path.Combine(mountPoint, "tap.db"));
            var writer = sidecar.Services.GetRequiredService<RecordWriter>();
            await using var client = new TapClient(new TapClientOptions { Endpoint = sidecar.PipeName });
            for (var i = 0; i < 400; i++)
            {
                using var execution = client.StartExecution(new TapExecutionInfo { RequestId = $"full-{i}", Format = TapApiFormat.OpenAIChatCompletions, Stream = true });
                execution.Response(200, "text/event-stream");
                execution.Chunk(transcript);
                execution.UpstreamEnd();
            }

            await Eventually.TrueAsync(() => writer.FailedAttempts > 0, "the disk fills up", TimeSpan.FromSeconds(30));
            Assert.That(client.IsConnected, Is.True, "the sidecar keeps running and accepting");

            Assert.That(await RunAsync("mount", $"-o remount,size=64m {mountPoint}"), Is.Zero);

            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged == 400, "every held record is written once space is back", TimeSpan.FromSeconds(60));
            Assert.That(sidecar.Records.Count(), Is.EqualTo(400));
            TestContext.Out.WriteLine($"failed save attempts while full: {writer.FailedAttempts}, dropped: {writer.Dropped}");
            Assert.That(writer.Dropped, Is.Zero);

            // The faulted engine's leftover transaction must never reach a finalizer: that would kill the process.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
        }
        finally
        {
            await RunAsync("umount", "-l " + mountPoint);
        }
    }

    /// <summary>
    /// Issue 11: on a full disk LiteDB's write queue died and the writer hung for good, or acknowledged a record whose
    /// pages never reached the file. Here 30 executions at a time stream through a real shim into a real tap serve on a
    /// tmpfs that stays full for 20 s; then space comes back, every execution must be acknowledged without a restart,
    /// and after a SIGKILL right after the last acknowledgement the file must hold every one of them.
    /// </summary>
    [Test]
    public async Task Full_disk_for_a_while_then_space_back_recovers_with_every_acknowledged_record_in_the_file()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), "tap-tests", "fullfs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mountPoint);
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || await RunAsync("mount", $"-t tmpfs -o size=1m tmpfs {mountPoint}") != 0)
        {
            Assert.Ignore("Needs root and mount to give the sidecar a small real file system.");
        }

        try
        {
            var transcript = FixtureFiles.Read("openai-chat/text.sse");
            var database = Path.Combine(mountPoint, "tap.db");
            var pipe = TestEndpoints.UniquePipeName();
            var sidecar = await TapServeProcess.StartAsync(pipe, database);
            await using var client = new TapClient(new TapClientOptions { Endpoint = pipe });
            var started = new System.Collections.Concurrent.ConcurrentBag<string>();
            using var stopLoad = new CancellationTokenSource();
            var load = Enumerable.Range(0, 30).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stopLoad.IsCancellationRequested; i++)
                {
                    var id = $"full-{worker}-{i}";
                    using (var execution = client.StartExecution(new TapExecutionInfo { RequestId = id, Format = TapApiFormat.OpenAIChatCompletions, Stream = true }))
                    {
                        execution.Response(200, "text/event-stream");
                        execution.Chunk(transcript.AsSpan(0, transcript.Length / 2));
                        await Task.Delay(150);
                        execution.Chunk(transcript.AsSpan(transcript.Length / 2));
                        execution.UpstreamEnd();
                    }

                    started.Add(id);
                    await Task.Delay(150);
                }
            })).ToArray();

            await Eventually.TrueAsync(() => new DriveInfo(mountPoint).AvailableFreeSpace < 64 * 1024, "the disk fills up", TimeSpan.FromSeconds(60));
            var full = Stopwatch.StartNew();
            var slowestAnswer = TimeSpan.Zero;
            while (full.Elapsed < TimeSpan.FromSeconds(20))
            {
                // The control endpoint keeps answering while the writer fails: nothing holds LiteDB's lock.
                var asked = Stopwatch.StartNew();
                var (exitCode, _, error) = await CliRunner.RunAsync("stats", "--endpoint", pipe, "--json");
                slowestAnswer = TimeSpan.FromTicks(Math.Max(slowestAnswer.Ticks, asked.Elapsed.Ticks));
                Assert.That(exitCode, Is.Zero, error);
                await Task.Delay(1000);
            }

            var ackedWhileFull = client.Counters.ExecutionsAcknowledged;
            Assert.That(await RunAsync("mount", $"-o remount,size=64m {mountPoint}"), Is.Zero);
            await Eventually.TrueAsync(() => client.Counters.ExecutionsAcknowledged > ackedWhileFull + 100, "the load is recorded again once space is back", TimeSpan.FromSeconds(60));
            await stopLoad.CancelAsync();
            await Task.WhenAll(load);

            await Eventually.TrueAsync(
                () => client.Counters.ExecutionsAcknowledged == started.Count,
                "every execution is acknowledged once space is back, without a restart",
                TimeSpan.FromSeconds(120));
            await sidecar.KillAsync();

            using var store = new RecordStore(database, readOnly: true);
            var recorded = store.Query(new RecordQuery { Limit = 1_000_000 }).Select(r => r.RequestId).ToHashSet();
            var missing = started.Where(id => !recorded.Contains(id)).ToList();
            var counters = client.Counters;
            TestContext.Out.WriteLine(
                $"started {started.Count}, acknowledged {counters.ExecutionsAcknowledged} ({ackedWhileFull} before space was back), "
                + $"in the file after SIGKILL {recorded.Count}, acknowledged but missing {missing.Count}, shim dropped {counters.ExecutionsDropped}, "
                + $"frames replayed {counters.FramesReplayed}, slowest control answer while full {slowestAnswer.TotalMilliseconds:0} ms");
            Assert.Multiple(() =>
            {
                Assert.That(started, Has.Count.GreaterThan(1000), "load ran through the full disk");
                Assert.That(missing, Is.Empty, "every acknowledged execution is in the file");
                Assert.That(counters.ExecutionsDropped, Is.Zero);
                Assert.That(store.Count(), Is.EqualTo(recorded.Count), "the index and the collection agree");
                Assert.That(slowestAnswer, Is.LessThan(TimeSpan.FromSeconds(30)), "the control endpoint answered while the disk was full, not minutes later");
            });
        }
        finally
        {
            await RunAsync("umount", "-l " + mountPoint);
        }
    }

    private static async Task<int> RunAsync(string file, string arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
