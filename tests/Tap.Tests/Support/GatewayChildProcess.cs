using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tap.Tests.Support;

/// <summary>The sample gateway (YARP with the shim) as a real child process, so it can be killed with SIGKILL.</summary>
internal sealed class GatewayChildProcess : IAsyncDisposable
{
    private readonly Process _process;

    private GatewayChildProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public HttpClient CreateClient() => new(new SocketsHttpHandler { MaxResponseDrainSize = 0 }) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };

    public static async Task<GatewayChildProcess> StartAsync(Uri upstream, string tapEndpoint, params string[] extraArgs)
    {
        var port = FreePort();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = AppContext.BaseDirectory };
        foreach (var argument in new[]
        {
            Path.Combine(AppContext.BaseDirectory, "tap-sample-gateway.dll"), "--upstream", upstream.ToString(),
            "--listen", $"http://127.0.0.1:{port}", "--Tap:Endpoint", tapEndpoint, "--Tap:MaxReconnectDelay", "00:00:00.200",
            "--Logging:LogLevel:Default", "Warning",
        }.Concat(extraArgs))
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await Eventually.TrueAsync(() => Listening(port) || process.HasExited, "the gateway listens", TimeSpan.FromSeconds(30));
        Assert.That(process.HasExited, Is.False, "the gateway started");
        return new GatewayChildProcess(process, new Uri($"http://127.0.0.1:{port}"));
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool Listening(int port)
    {
        using var probe = new TcpClient();
        try
        {
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
