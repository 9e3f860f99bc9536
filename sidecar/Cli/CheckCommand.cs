using System.CommandLine;
using System.Text.Json;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap check</c>: reads the whole database file, changing nothing, and says whether it is sound.</summary>
internal static class CheckCommand
{
    /// <summary>Unreadable records named at most; the count is always whole.</summary>
    private const int Shown = 10;

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = new Option<bool>("--json") { Description = "Print the result as a JSON object" };
        var command = new Command("check", "Read every record, page and index of the database file (never changing it); exit 3 when damaged") { json };
        command.SetAction(async (result, cancellationToken) =>
        {
            var path = Path.GetFullPath(result.GetRequiredValue(context.DatabaseOption));
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            if (DatabaseLock.ProbeHeld(path) is { } held)
            {
                await error.WriteLineAsync(held.Message + " Stop it to check the file: a running writer's file is read torn.");
                return ExitCodes.DatabaseUnavailable;
            }

            var report = await Task.Run(() => DatabaseCheck.Run(path), cancellationToken);
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(new
                {
                    path = report.Path,
                    sound = report.Sound,
                    refused = report.Refused,
                    readable = report.Readable,
                    unreadable = report.Unreadable.Count,
                    damagedPages = report.DamagedPages,
                    problems = report.Problems,
                }));
            }
            else if (report.Refused is not null)
            {
                await error.WriteLineAsync(report.Refused);
            }
            else
            {
                await output.WriteLineAsync($"{report.Path}: {report.Readable} records readable, {report.Unreadable.Count} unreadable, {report.DamagedPages} damaged pages.");
                foreach (var line in report.Problems.Concat(report.Unreadable.Take(Shown)))
                {
                    await output.WriteLineAsync("  " + line);
                }

                await output.WriteLineAsync(report.Sound
                    ? "The database is sound."
                    : "The database is damaged: 'tap compact --salvage --output NEW' copies its readable records into a new file (docs/operations.md, Recovery).");
            }

            return report.Sound ? ExitCodes.Ok : ExitCodes.DatabaseUnavailable;
        });
        return command;
    }
}
