namespace Tap.Soak.Hosts;

/// <summary>
/// The real <c>tap serve</c>, started, stopped and killed as an operator's service manager would, on the run's own
/// socket and database. Every start appends to <c>tap-serve.log</c> in the run folder.
/// </summary>
internal sealed class TapServe(string tap, string socket, string database, string folder, IReadOnlyList<string> extraArgs) : IAsyncDisposable
{
    private HostProcess? _process;

    public int Starts { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>CPU time of the running sidecar: one that has nothing left to receive or write stays idle.</summary>
    public TimeSpan CpuTime => _process?.CpuTime ?? TimeSpan.Zero;

    public async Task StartAsync()
    {
        if (IsRunning)
        {
            throw new InvalidOperationException("tap serve is already running.");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        _process = HostProcess.Start(tap, ["serve", "--endpoint", socket, "--db", database, .. extraArgs], Path.Combine(folder, "tap-serve.log"));
        Starts++;
        await Readiness.WaitForUnixSocketAsync(_process, socket, "tap serve");
    }

    /// <summary>SIGTERM; the host's own shutdown timeout bounds it, this wait only guards against a hang.</summary>
    public Task TerminateAsync() => _process?.TerminateAsync(TimeSpan.FromSeconds(90)) ?? Task.CompletedTask;

    public Task KillAsync() => _process?.KillAsync() ?? Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}
