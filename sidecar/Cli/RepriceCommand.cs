using System.CommandLine;
using System.Globalization;

namespace Tap.Sidecar.Cli;

/// <summary>
/// <c>tap reprice --since WHEN</c>: recomputes the stored costs of a window with the current price table, keeping each
/// replaced figure in the record's cost history. While tap serve runs it reprices with its own table, through its store.
/// </summary>
internal static class RepriceCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new FilterOptions(context.TimeProvider);
        var prices = new PricesOption();
        var dryRun = new Option<bool>("--dry-run") { Description = "Only count the executions whose cost would change" };
        var json = new Option<bool>("--json") { Description = "Print the result as a JSON object" };

        var command = new Command("reprice", "Recompute stored costs with the current price table (the old figure stays in each record's history)") { dryRun, json };
        filters.AddTo(command);
        prices.AddTo(command);
        command.Validators.Add(result =>
        {
            // Every cost ever recorded is rarely what was meant: the window is explicit.
            if (result.GetResult(filters.Since) is null)
            {
                result.AddError("--since is required: give the window to reprice (e.g. --since 30d, or --since 2000-01-01 for all).");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            if (prices.Load(result, result.InvocationConfiguration.Error) is not { } table)
            {
                return ExitCodes.ServeFailed;
            }

            return await CliSource.RunAsync(result, context, writable: true, async source =>
            {
                var outcome = await source.RepriceAsync(filters.Read(result), result.GetValue(dryRun), cancellationToken);
                var output = result.InvocationConfiguration.Output;
                await output.WriteLineAsync(result.GetValue(json)
                    ? string.Create(CultureInfo.InvariantCulture, $"{{\"matched\": {outcome.Matched}, \"changed\": {outcome.Changed}, \"table_version\": \"{outcome.TableVersion}\", \"dry_run\": {(outcome.DryRun ? "true" : "false")}}}")
                    : string.Create(CultureInfo.InvariantCulture, $"{outcome.Matched} executions matched; {outcome.Changed} {(outcome.DryRun ? "would change" : "repriced")} with price table {outcome.TableVersion}{(outcome.DryRun ? " (dry run: nothing written)" : "; the old figures are in each record's cost_history")}."));
                return ExitCodes.Ok;
            }, cancellationToken, prices: table);
        });
        return command;
    }
}
