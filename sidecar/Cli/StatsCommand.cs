using System.CommandLine;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap stats</c>: counts, tokens, latency and TTFT percentiles over a window, grouped by one field.</summary>
internal static class StatsCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new FilterOptions(context.TimeProvider);
        var by = ChoiceOption.WithDefault("--by", "Group by status, model, format, route or gateway", StatsGrouping.All, StatsGrouping.Status);
        var json = new Option<bool>("--json") { Description = "Print the statistics as a JSON object" };

        var command = new Command("stats", "Summarize the executions of a window (all of them unless --since/--until)") { by, json };
        filters.AddTo(command);
        command.SetAction((result, cancellationToken) => CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var stats = await source.StatsAsync(filters.Read(result), result.GetRequiredValue(by), cancellationToken);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(RecordJson.Serialize(stats));
            }
            else
            {
                StatsPrinter.Print(TapConsole.Create(output), stats);
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
