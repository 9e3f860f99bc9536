using System.Diagnostics;
using System.Reflection;
using System.Threading.Channels;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// This benchmark executable started again in a role (provider, gateway, sidecar, drain), so each host has its
/// own process, GC and thread pool as in production, and its memory and CPU can be read on their own.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();

    private readonly string _role;

    private ChildProcess(Process process, string role)
    {
        _process = process;
        _role = role;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else if (e.Data.StartsWith(RoleHost.AnswerPrefix, StringComparison.Ordinal))
            {
                _lines.Writer.TryWrite(e.Data[RoleHost.AnswerPrefix.Length..]);
            }
            else
            {
                Console.Error.WriteLine($"  [{_role}] {e.Data}");
            }
        };
    }

    public string ReadyPayload { get; private set; } = "";

    public int Id => _process.Id;

    /// <summary>CPU time used by the child so far (user and kernel).</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public ProcessMemory Memory => ProcessMemory.Read(_process.Id);

    /// <param name="serverGc">ASP.NET Core apps run the server GC by default; the sidecar (a console app) does not.</param>
    public static Task<ChildProcess> StartAsync(string role, bool serverGc, params string[] args) => StartAsync(role, serverGc, new Dictionary<string, string>(), args);

    /// <param name="environment">Runtime settings for this child only (each overrides the settings above).</param>
    public static async Task<ChildProcess> StartAsync(string role, bool serverGc, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.ProcessPath!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };

        // A sidecar beside its gateway may run at a lower priority (docs/benchmarks.md, "Issue 16, the sidecar yields the CPU"),
        // started through a launcher such as `nice -n 10` or `chrt --idle 0`: both exec the command, so the child's id
        // and /proc figures stay the sidecar's.
        if (role == "sidecar" && Environment.GetEnvironmentVariable("TAP_BENCH_SIDECAR_VIA") is { Length: > 0 } via)
        {
            var launcher = via.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            info.FileName = launcher[0];
            foreach (var word in launcher.Skip(1))
            {
                info.ArgumentList.Add(word);
            }

            info.ArgumentList.Add(Environment.ProcessPath!);
        }

        // Started through `dotnet Tap.Benchmarks.dll`, the process path is the dotnet host.
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet")
        {
            info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        info.ArgumentList.Add("role");
        info.ArgumentList.Add(role);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["DOTNET_gcServer"] = serverGc ? "1" : "0";

        // tap's own runtimeconfig turns dynamic PGO off (docs/benchmarks.md, "Cold start") and the thread pool's spinning
        // ("Issue 16, the sidecar's thread pool sleeps"); this harness's does neither.
        if (role == "sidecar")
        {
            info.Environment["DOTNET_TieredPGO"] = "0";
            info.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start the {role} role.");
        var child = new ChildProcess(process, role);
        process.BeginOutputReadLine();
        var line = await child.ReadLineAsync(TimeSpan.FromSeconds(60));
        if (!line.StartsWith("ready", StringComparison.Ordinal))
        {
            await child.DisposeAsync();
            throw new InvalidOperationException($"The {role} role said '{line}' instead of ready.");
        }

        child.ReadyPayload = line.Length > 6 ? line[6..] : "";
        return child;
    }

    public async Task<string> ReadLineAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        return await _lines.Reader.ReadAsync(cts.Token);
    }

    /// <summary>Sends a command; the role answers with one line.</summary>
    public async Task<string> AskAsync(string command)
    {
        await _process.StandardInput.WriteLineAsync(command);
        await _process.StandardInput.FlushAsync();
        return await ReadLineAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>Ends the child at once, without letting it finish its work (the in-flight measurement does not want 10,000 records written).</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            _process.StandardInput.Close();
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or InvalidOperationException)
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }

        _process.Dispose();
    }
}
