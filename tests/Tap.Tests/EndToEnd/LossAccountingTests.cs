using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Tap.Protocol;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// <c>tap stats</c> and <c>tap list</c> count exactly the served executions that were never recorded, per gateway and
/// reason (docs/protocol.md, "7 Loss"): raw Loss reports over the real pipe, read through the control endpoint and
/// from the file.
/// </summary>
public class LossAccountingTests
{
    [Test]
    public async Task Loss_report_is_counted_once_per_execution_and_not_for_recorded_ones()
    {
        using var folder = new TempFolder();
        var database = folder.File("tap.db");
        var sidecar = await SidecarProcess.StartAsync(databasePath: database);
        try
        {
            var (recorded, lostA, lostB, recordedLater) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
            var (first, second) = (Guid.NewGuid(), Guid.NewGuid());
            await using (var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid(), gateway: "gw-a", droppedExecutions: 9))
            {
                await shim.SendAsync(RawShim.Execution(recorded, "recorded"));
                await shim.WaitForAcksAsync([recorded]);

                // A recorded execution in a report is not lost; a replayed report counts once; an execution reported
                // twice counts once, under its latest reason; one recorded after its report is no longer lost.
                await shim.SendAsync(RawShim.Loss(first, LossReasons.SpoolFull, [recorded, lostA, lostB]));
                await shim.SendAsync(RawShim.Loss(first, LossReasons.SpoolFull, [recorded, lostA, lostB]));
                await shim.SendAsync(RawShim.Loss(second, LossReasons.MemoryCap, [lostA, recordedLater], uncounted: 2));
                await shim.WaitForAcksAsync([first, second]);
                await shim.SendAsync(RawShim.Execution(recordedLater, "recorded-later"));
                await shim.WaitForAcksAsync([recordedLater]);
                Assert.That(shim.Error, Is.Null);
            }

            // A shim without an instance id sends no Loss reports: its handshake count is kept as it reports it.
            await using (var old = await RawShim.ConnectAsync(sidecar.PipeName, instance: null, gateway: "gw-old", droppedExecutions: 5))
            {
                await sidecar.Services.GetRequiredService<RecordWriter>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }

            var running = await CliRunner.RunJsonAsync("stats", "--json", "--endpoint", sidecar.PipeName, "--db", database);
            var (_, _, note) = await CliRunner.RunAsync("list", "--endpoint", sidecar.PipeName, "--db", database);
            await sidecar.StopAsync();
            var fromFile = await CliRunner.RunJsonAsync("stats", "--json", "--db", database);
            var (_, text, _) = await CliRunner.RunAsync("stats", "--db", database);
            TestContext.Out.WriteLine(note + text);

            string[] expected = ["gw-old/handshake=5", "gw-a/memory_cap=3", "gw-a/spool_full=1"];
            Assert.Multiple(() =>
            {
                Assert.That(running.GetProperty("executions_lost_by_shims").GetInt64(), Is.EqualTo(9));
                Assert.That(Losses(running), Is.EqualTo(expected), "through the control endpoint");
                Assert.That(Losses(fromFile), Is.EqualTo(expected), "from the file");
                Assert.That(note, Does.Contain("9 served executions were never recorded").And.Contains("gw-a: 3 memory_cap"));
                Assert.That(text, Does.Contain("9 served executions were never recorded"));
            });
        }
        finally
        {
            await sidecar.DisposeAsync();
        }
    }

    [Test]
    public async Task Shim_loss_report_on_a_full_disk_goes_through_the_writer()
    {
        var mountPoint = Path.Combine(Path.GetTempPath(), "tap-tests", "tinyfs-" + Guid.NewGuid().ToString("N")[..8]);
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
            await Eventually.TrueAsync(() => writer.FailedAttempts > 0, "the disk fills up", TimeSpan.FromSeconds(30));

            // Both kinds of report arrive while the disk is full: neither may cost its shim the connection.
            var report = Guid.NewGuid();
            await shim.SendAsync(RawShim.Loss(report, LossReasons.SpoolFull, [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()]));
            await using var old = await RawShim.ConnectAsync(sidecar.PipeName, instance: null, gateway: "gw-old", droppedExecutions: 4);
            var afterHandshake = Guid.NewGuid();
            await old.SendAsync(RawShim.Execution(afterHandshake, "after-handshake"));

            Assert.That(await RunAsync("mount", $"-o remount,size=64m {mountPoint}"), Is.Zero);
            await shim.WaitForAcksAsync([.. filling, report], TimeSpan.FromSeconds(60));
            await old.WaitForAcksAsync([afterHandshake], TimeSpan.FromSeconds(60));
            var losses = sidecar.Records.ShimLosses(new RecordQuery());
            Assert.Multiple(() =>
            {
                Assert.That(losses.Select(l => $"{l.Gateway}/{l.Reason}={l.Count}"), Is.EqualTo(new[] { "gw-old/handshake=4", "gw-full/spool_full=3" }));
                Assert.That((shim.Error, old.Error), Is.EqualTo(((ErrorMessage?)null, (ErrorMessage?)null)));
                Assert.That(writer.Dropped, Is.Zero);
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
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(file, arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static string[] Losses(JsonElement stats) => [.. stats.GetProperty("losses").EnumerateArray()
        .Select(l => $"{l.GetProperty("gateway").GetString()}/{l.GetProperty("reason").GetString()}={l.GetProperty("count").GetInt64()}")];
}
