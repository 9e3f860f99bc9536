using System.Diagnostics;
using Tap.Protocol;
using Tap.Shim;
using Tap.Sidecar.Ingest;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>Who may use the endpoint: owner-only socket, a configured group, no takeover by a second sidecar, stale sockets replaced.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class EndpointAccessTests
{
    [Test]
    public async Task Socket_is_owner_only_by_default()
    {
        SkipOnWindows();
        await using var sidecar = await SidecarProcess.StartAsync();

        Assert.That(File.GetUnixFileMode(PipeEndpoint.SocketPath(sidecar.PipeName)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
    }

    [Test]
    public async Task Second_sidecar_on_the_same_endpoint_fails_clearly_and_the_first_keeps_recording()
    {
        SkipOnWindows();
        await using var first = await SidecarProcess.StartAsync();

        using var folder = new TempFolder();
        var database = folder.File("second.db");

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", first.PipeName, "--db", database);

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain("already listening").And.Contain(first.PipeName));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty, "a start refused for a taken endpoint creates no database, log or lock file");
        await using var client = new TapClient(new TapClientOptions { Endpoint = first.PipeName });
        using (var execution = client.StartExecution(new TapExecutionInfo { RequestId = "still-first" }))
        {
            execution.Response(200, "application/json");
            execution.UpstreamEnd();
        }

        Assert.That((await first.WaitForRecordAsync("still-first")).RequestId, Is.EqualTo("still-first"));
    }

    [Test]
    public async Task Stale_socket_left_by_a_crash_is_still_replaced()
    {
        SkipOnWindows();
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Ignore("Needs python3 to leave a socket file behind: .NET unlinks the sockets it binds when they close.");
        }

        var pipe = TestEndpoints.UniquePipeName();
        await RunAsync("/usr/bin/python3", $"-c \"import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])\" {PipeEndpoint.SocketPath(pipe)}");

        Assert.That(UnixFileType.Of(PipeEndpoint.SocketPath(pipe)), Is.EqualTo(UnixFileType.Kind.Socket), "a socket file nobody listens on");
        await using var sidecar = await SidecarProcess.StartAsync(pipe);
        await using var client = new TapClient(new TapClientOptions { Endpoint = pipe });

        await Eventually.TrueAsync(() => client.IsConnected, "a shim connects to the new sidecar");
    }

    [Test]
    public async Task Client_running_as_another_user_is_refused_unless_it_is_in_the_configured_group()
    {
        SkipOnWindows();
        if (Environment.UserName != "root" || !File.Exists("/usr/sbin/useradd") || !File.Exists("/usr/sbin/runuser") || !File.Exists("/usr/bin/python3"))
        {
            Assert.Ignore("Needs root, useradd, runuser and python3 to connect as a real second user.");
        }

        await RunAsync("/usr/sbin/groupadd", "-f tap-test-group");
        await RunAsync("/bin/sh", "-c \"id tap-test-other >/dev/null 2>&1 || /usr/sbin/useradd -M -N -g tap-test-group tap-test-other\"");
        await using (var ownerOnly = await SidecarProcess.StartAsync())
        {
            var (refused, output) = await ConnectAsOtherUserAsync(ownerOnly.PipeName);
            Assert.That(refused, Is.Not.Zero, "another user cannot connect to an owner-only socket: " + output);
            Assert.That(output, Does.Contain("PermissionError"));
        }

        await using var grouped = await SidecarProcess.StartAsync(settings: new Dictionary<string, string?> { ["Tap:Ingest:SocketGroup"] = "tap-test-group" });
        var (accepted, groupOutput) = await ConnectAsOtherUserAsync(grouped.PipeName);
        Assert.That(accepted, Is.Zero, "a member of the configured group connects: " + groupOutput);
    }

    private static async Task<(int ExitCode, string Output)> ConnectAsOtherUserAsync(string pipe) =>
        await RunAsync("/usr/sbin/runuser", $"-u tap-test-other -- /usr/bin/python3 -c \"import socket,sys; s=socket.socket(socket.AF_UNIX); s.connect(sys.argv[1]); print('connected')\" {PipeEndpoint.SocketPath(pipe)}");

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, string arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, output);
    }

    private static void SkipOnWindows()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Windows pipes are protected by an ACL, not file modes.");
        }
    }
}
