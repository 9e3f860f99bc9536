using System.Diagnostics;
using System.Net.Sockets;

namespace Tap.Benchmarks.ColdStart;

/// <summary>
/// The real <c>tap serve</c> executable, started fresh (a cold process: nothing jitted, no page cached by it) on a
/// socket and database of its own, with the runtime settings of one variant given as environment variables.
/// </summary>
internal sealed class TapServeChild : IAsyncDisposable
{
    private readonly Process _process;

    private TapServeChild(Process process, TimeSpan startup)
    {
        _process = process;
        Startup = startup;
    }

    /// <summary>From the process start until its socket accepts a connection.</summary>
    public TimeSpan Startup { get; }

    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static async Task<TapServeChild> StartAsync(string tap, string socket, string database, IReadOnlyDictionary<string, string> environment)
    {
        var isDll = tap.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : tap) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isDll)
        {
            info.ArgumentList.Add(tap);
        }

        foreach (var arg in new[] { "serve", "--endpoint", socket, "--db", database, "--Logging:LogLevel:Default=Warning" })
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            info.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start tap serve.");
        process.OutputDataReceived += (_, e) => ForwardWarning(e.Data);
        process.ErrorDataReceived += (_, e) => ForwardWarning(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        while (!Listening(socket))
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new InvalidOperationException($"tap serve did not listen on {socket}.");
            }

            await Task.Delay(5);
        }

        return new TapServeChild(process, clock.Elapsed);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static void ForwardWarning(string? line)
    {
        if (!string.IsNullOrEmpty(line))
        {
            Console.Error.WriteLine("  [tap serve] " + line);
        }
    }

    private static bool Listening(string socket)
    {
        if (!File.Exists(socket))
        {
            return false;
        }

        using var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            probe.Connect(new UnixDomainSocketEndPoint(socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
