using System.CommandLine;
using System.Globalization;
using Spectre.Console;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap purge --before WHEN</c>: deletes old executions, once confirmed.</summary>
internal static class PurgeCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var before = DateOption.Create("--before", "Delete executions started before", context.TimeProvider);
        before.Required = true;
        var yes = new Option<bool>("--yes", "-y") { Description = "Delete without asking" };
        var json = new Option<bool>("--json") { Description = "Print the result as a JSON object" };

        var command = new Command("purge", "Delete executions started before a date; without --yes, only tell how many") { before, yes, json };
        command.SetAction((result, cancellationToken) => CliSource.RunAsync(result, context, writable: true, async source =>
        {
            var cutoff = result.GetValue(before)!.Value;
            var output = result.InvocationConfiguration.Output;
            var when = cutoff.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
            if (!result.GetValue(yes))
            {
                var matching = await source.PurgeAsync(cutoff, dryRun: true, cancellationToken);
                if (matching == 0 || !Confirm(output, matching, when))
                {
                    await output.WriteLineAsync(result.GetValue(json)
                        ? $"{{\"deleted\": 0, \"matching\": {matching}, \"before\": \"{when}\"}}"
                        : $"{matching} executions started before {when}.\nNothing deleted{(matching == 0 ? "." : ": add --yes to delete them.")}");
                    return matching == 0 ? ExitCodes.Ok : ExitCodes.NotConfirmed;
                }
            }

            var deleted = await source.PurgeAsync(cutoff, dryRun: false, cancellationToken);
            await output.WriteLineAsync(result.GetValue(json)
                ? $"{{\"deleted\": {deleted}, \"before\": \"{when}\"}}"
                : $"Deleted {deleted} executions started before {when}.");
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    // Asks only a person at a terminal; scripts must say --yes.
    private static bool Confirm(TextWriter output, long matching, string when) =>
        ReferenceEquals(output, Console.Out) && !Console.IsInputRedirected && !Console.IsOutputRedirected
        && AnsiConsole.Confirm($"Delete {matching} executions started before {when}?", defaultValue: false);
}
