using System.Diagnostics;
using System.Text.Json;

namespace Tap.Soak.Results;

/// <summary>The <c>tap</c> command line, as an operator runs it: the harness reads records and counts only through it.</summary>
internal sealed class TapCli(string tap)
{
    /// <summary>Every record in the database file, read by <c>tap export</c> with the sidecar stopped.</summary>
    public async Task<IReadOnlyList<RecordLine>> ExportAsync(string database, string scratchFolder)
    {
        var file = Path.Combine(scratchFolder, "export.jsonl");
        var (exitCode, _, error) = await RunAsync(TimeSpan.FromMinutes(5), "export", "--format", "jsonl", "--output", file, "--db", database, "--endpoint", Unused(scratchFolder));
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"tap export failed ({exitCode}): {error.Trim()}");
        }

        var records = new List<RecordLine>();
        foreach (var line in File.ReadLines(file))
        {
            if (line.Length > 0)
            {
                records.Add(RecordLine.Parse(line));
            }
        }

        return records;
    }

    /// <summary><c>tap stats --json</c> against a running sidecar (its endpoint) or the file (<paramref name="database"/>); null when it did not answer.</summary>
    public async Task<JsonElement?> StatsAsync(string? endpoint, string? database, string scratchFolder) =>
        (await StatsAnswerAsync(endpoint, database, scratchFolder)).Json;

    /// <summary>As <see cref="StatsAsync"/>, with why it did not answer: an unanswered final count must not pass as zero.</summary>
    public async Task<(JsonElement? Json, string Failure)> StatsAnswerAsync(string? endpoint, string? database, string scratchFolder)
    {
        string[] args = endpoint is not null
            ? ["stats", "--json", "--endpoint", endpoint]
            : ["stats", "--json", "--db", database!, "--endpoint", Unused(scratchFolder)];
        var (exitCode, output, error) = await RunAsync(TimeSpan.FromSeconds(30), args);
        if (exitCode != 0)
        {
            return (null, $"tap stats exited {exitCode}: {error.Trim()}");
        }

        try
        {
            return (JsonDocument.Parse(output).RootElement.Clone(), "");
        }
        catch (JsonException e)
        {
            return (null, $"tap stats printed no JSON ({e.Message})");
        }
    }

    // Reading commands ask a running sidecar first: a socket nothing listens on makes them read the file itself.
    private static string Unused(string folder) => Path.Combine(folder, "nobody.sock");

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(TimeSpan timeout, params string[] args)
    {
        var isDll = tap.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(isDll ? "dotnet" : tap) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (isDll)
        {
            info.ArgumentList.Add(tap);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start tap.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill();
            await process.WaitForExitAsync();
            return (-1, "", $"tap {args[0]} did not answer within {timeout.TotalSeconds:0} s");
        }

        return (process.ExitCode, await output, await error);
    }
}
