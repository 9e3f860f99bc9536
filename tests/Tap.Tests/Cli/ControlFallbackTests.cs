using System.Diagnostics;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

/// <summary>A CLI that may not reach the control endpoint falls back to the file and says what it could not do, in one line.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class ControlFallbackTests
{
    [Test]
    public async Task Cli_of_another_user_that_may_not_reach_the_control_socket_answers_in_one_line_instead_of_crashing()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName != "root" || !File.Exists("/usr/sbin/runuser") || !File.Exists("/usr/bin/dotnet"))
        {
            Assert.Ignore("Needs root, runuser and /usr/bin/dotnet to run the CLI as a real second user.");
        }

        await using var sidecar = await SidecarProcess.StartAsync();
        var folder = Path.GetDirectoryName(sidecar.DatabasePath)!;
        var filesBefore = Directory.GetFiles(folder).Order().ToArray();
        var tap = Path.Combine(AppContext.BaseDirectory, "tap.dll");

        // The control socket is owner-only, so connecting fails with EACCES: the CLI falls back to the file, which is
        // owner-only too, and says so in one line (it used to crash with a SocketException).
        using var process = Process.Start(new ProcessStartInfo(
            "/usr/sbin/runuser",
            ["-u", "nobody", "--", "/usr/bin/dotnet", tap, "list", "--endpoint", sidecar.PipeName, "--db", sidecar.DatabasePath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.EqualTo(3), output);
            Assert.That(output, Does.Contain("permission denied").And.Not.Contain("SocketException").And.Not.Contain("   at "));
            Assert.That(output.Trim().Split('\n'), Has.Length.EqualTo(1), output);
        });
        Assert.That(Directory.GetFiles(folder).Order(), Is.EqualTo(filesBefore), "the refused reader created no file beside the running sidecar's database");
    }
}
