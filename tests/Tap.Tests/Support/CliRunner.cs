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
        args = Isolated(args);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await TapCommandLine.InvokeAsync(args, output, error, cancellationToken: cancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>
    /// Commands that read records ask a running sidecar first: without an --endpoint of their own they get one no
    /// sidecar listens on, so that a developer's own 'tap serve' never answers a test.
    /// </summary>
    public static string[] Isolated(string[] args) =>
        args is [var command, ..] && ReadingCommands.Contains(command) && !args.Contains("--endpoint")
            ? [.. args, "--endpoint", TestEndpoints.UniquePipeName()]
            : args;

    private static readonly HashSet<string> ReadingCommands = ["list", "show", "stats", "tail", "export", "purge", "compact", "replay", "prices", "reprice"];

    public static async Task<JsonElement> RunJsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);
        Assert.That(exitCode, Is.Zero, error);
        return JsonDocument.Parse(output).RootElement.Clone();
    }
}
