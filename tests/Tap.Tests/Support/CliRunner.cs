using System.Text.Json;
using Tap.Sidecar.Cli;

namespace Tap.Tests.Support;

/// <summary>Runs the tap command line in-process, exactly as Program.cs does, and captures what it prints.</summary>
internal static class CliRunner
{
    public static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    /// <summary>Runs until the command ends or <paramref name="cancellationToken"/> stops it (as Ctrl+C stops tap tail).</summary>
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TapCommandLine.InvokeAsync(args, output, error, cancellationToken: cancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, output.ToString(), error.ToString());
    }

    public static async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);
        Assert.That(exitCode, Is.Zero, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
