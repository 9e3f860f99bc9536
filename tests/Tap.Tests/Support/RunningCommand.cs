using Tap.Sidecar.Cli;

namespace Tap.Tests.Support;

/// <summary>A long-running command (tap tail) whose output can be read while it runs, stopped as Ctrl+C would.</summary>
internal sealed class RunningCommand : IDisposable
{
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();
    private readonly TextWriter _syncOutput;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _run;

    public RunningCommand(params string[] args)
    {
        // Synchronized: the command writes on its own thread while the test reads.
        _syncOutput = TextWriter.Synchronized(_output);
        _run = Task.Run(() => TapCommandLine.InvokeAsync(CliRunner.Isolated(args), _syncOutput, TextWriter.Synchronized(_error), cancellationToken: _stop.Token));
    }

    public string[] Lines
    {
        get
        {
            lock (_syncOutput)
            {
                return _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            }
        }
    }

    public Task WaitForLinesAsync(int count) => Eventually.TrueAsync(() => Lines.Length >= count || _run.IsCompleted, $"{count} lines are printed");

    public async Task<(int ExitCode, string[] Lines, string Error)> StopAsync()
    {
        await _stop.CancelAsync();
        var exitCode = await _run.WaitAsync(TimeSpan.FromSeconds(30));
        return (exitCode, Lines, _error.ToString());
    }

    public void Dispose()
    {
        _stop.Dispose();
        _output.Dispose();
        _error.Dispose();
    }
}
