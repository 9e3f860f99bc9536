using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Tap.Shim;
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
