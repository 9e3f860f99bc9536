using System.Diagnostics;
using System.Net.Sockets;
using Tap.Protocol;

namespace Tap.Tests.Support;

/// <summary>The real <c>tap serve</c> executable as a child process, so it can be stopped with SIGTERM or killed with SIGKILL.</summary>
internal sealed class TapServeProcess : IAsyncDisposable
{
    private readonly Process _process;

    private TapServeProcess(Process process) => _process = process;

    public int Id => _process.Id;

    /// <summary>Resident memory from /proc (Linux), in MiB.</summary>
    public long ResidentMib()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) / 1024;
    }

    /// <param name="tap">Another build's tap.dll, to measure it against this one; default this build's.</param>
    /// <param name="settings">Configuration flags for <c>tap serve</c> (<c>--Tap:Store:MaxBatchSize=10</c>).</param>
    public static async Task<TapServeProcess> StartAsync(string pipe, string database, string? tap = null, IEnumerable<string>? settings = null)
    {
        tap ??= Path.Combine(AppContext.BaseDirectory, "tap.dll");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { tap, "serve", "--endpoint", pipe, "--db", database, "--Logging:LogLevel:Default=Warning" }.Concat(settings ?? []))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { TestContext.Progress.WriteLine("[tap serve] " + line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { TestContext.Progress.WriteLine("[tap serve] " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.TrueAsync(() => Listening(pipe) || process.HasExited, "tap serve listens", TimeSpan.FromSeconds(30));
        Assert.That(process.HasExited, Is.False, "tap serve started");
        return new TapServeProcess(process);
    }

    /// <summary>SIGTERM, as systemd stops a service: graceful, bounded by the host's shutdown timeout.</summary>
    public async Task StopAsync()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
        await kill.WaitForExitAsync();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>SIGKILL: no shutdown at all, as a crash or the OOM killer would.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private static bool Listening(string pipe)
    {
        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(PipeEndpoint.SocketPath(pipe)));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
