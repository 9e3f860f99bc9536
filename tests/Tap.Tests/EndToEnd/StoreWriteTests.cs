using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Control;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>The sidecar's writes other than records (a purge, retention) go through the one record writer.</summary>
public sealed class StoreWriteTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Test]
    public async Task Purge_on_a_full_disk_waits_for_space_and_then_deletes_exactly_what_was_queued_before_it()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), "tap-tests", "purgefs-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mountPoint);
        if (Environment.UserName != "root" || await RunAsync("mount", $"-t tmpfs -o size=512k tmpfs {mountPoint}") != 0)
        {
            Assert.Ignore("Needs root and mount to give the sidecar a small real file system.");
        }

        try
        {
            await using var sidecar = await SidecarProcess.StartAsync(databasePath: Path.Combine(mountPoint, "tap.db"));
            var writer = sidecar.Services.GetRequiredService<RecordWriter>();
            await using var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid(), gateway: "gw-full");
            var filling = Enumerable.Range(0, 400).Select(_ => Guid.NewGuid()).ToList();
            await shim.SendAsync(filling.SelectMany((id, i) => RawShim.Execution(id, $"fill-{i}")));
            await Eventually.TrueAsync(() => writer.FailedAttempts > 0, "the disk fills up", Timeout);
            await Eventually.TrueAsync(() => sidecar.Records.Count() + writer.Queued == filling.Count, "every filling execution reached the writer", Timeout);

            // Every filling execution started before the cut, every later one after it.
            var cut = DateTime.UtcNow;
            await Eventually.TrueAsync(() => DateTime.UtcNow > cut.AddMilliseconds(2), "the clock passes the cut");
            await using var control = await ControlClient.TryConnectAsync(sidecar.PipeName, Timeout, CancellationToken.None);
            var purge = control!.PurgeAsync(cut, dryRun: false, CancellationToken.None);
            var later = Enumerable.Range(0, 10).Select(_ => Guid.NewGuid()).ToList();
            await shim.SendAsync(later.SelectMany((id, i) => RawShim.Execution(id, $"later-{i}")));
            var failed = writer.FailedAttempts;
            await Eventually.TrueAsync(() => writer.FailedAttempts >= failed + 2, "the writer retries on the full disk", Timeout);
            var waitedWhileFull = !purge.IsCompleted;

            Assert.That(await RunAsync("mount", $"-o remount,size=64m {mountPoint}"), Is.Zero);
            var purged = await purge.WaitAsync(Timeout);
            await shim.WaitForAcksAsync([.. filling, .. later], Timeout);

            Assert.Multiple(() =>
            {
                Assert.That(waitedWhileFull, Is.True, "the purge waits for space instead of failing");
                Assert.That(purged, Is.EqualTo(filling.Count), "the records queued before the purge were committed, then purged");
                Assert.That(sidecar.Records.Query(new RecordQuery { Limit = 1000 }).Select(r => r.Id), Is.EquivalentTo(later));
                Assert.That((shim.Error, writer.Dropped), Is.EqualTo(((Tap.Protocol.ErrorMessage?)null, 0L)));
            });
        }
        finally
        {
            await RunAsync("umount", "-l " + mountPoint);
        }
    }

    [Test]
    public async Task Retention_passes_interleaved_with_a_burst_of_records_keep_every_acknowledged_record()
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Store:RetentionDays"] = "1" });
        var writer = sidecar.Services.GetRequiredService<RecordWriter>();
        var retention = sidecar.Services.GetServices<IHostedService>().OfType<RetentionService>().Single();
        await using var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid());
        var fresh = Enumerable.Range(0, 2000).Select(_ => Guid.NewGuid()).ToList();
        var old = DateTime.UtcNow.AddDays(-2);

        var burst = Task.Run(async () =>
        {
            foreach (var chunk in fresh.Chunk(100))
            {
                await shim.SendAsync(chunk.SelectMany(id => RawShim.Execution(id, "fresh")));
            }

            await shim.WaitForAcksAsync(fresh, Timeout);
        });
        long passes = 0, expired = 0;
        while (!burst.IsCompleted)
        {
            // Expired records keep arriving too, so that every pass has something to delete between the batches.
            for (var i = 0; i < 20; i++)
            {
                writer.TryEnqueue(SampleRecords.Full(old));
            }

            expired += (await retention.RunOnceAsync(CancellationToken.None)).Expired;
            passes++;
        }

        await burst;
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        await retention.RunOnceAsync(CancellationToken.None);
        var stored = sidecar.Records.Query(new RecordQuery { Limit = 10_000 });
        TestContext.Out.WriteLine($"{passes} retention passes deleted {expired} expired records during a burst of {fresh.Count} executions");

        Assert.Multiple(() =>
        {
            Assert.That(stored.Select(r => r.Id), Is.EquivalentTo(fresh), "every acknowledged record is kept, every expired one deleted");
            Assert.That(passes, Is.GreaterThan(1));
            Assert.That(expired, Is.GreaterThan(0));
            Assert.That((writer.FailedAttempts, writer.Dropped), Is.EqualTo((0L, 0L)));
        });
    }

    private static async Task<int> RunAsync(string file, string arguments)
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
