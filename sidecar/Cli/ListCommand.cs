using System.CommandLine;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap list</c>: recorded executions, newest first.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var status = new Option<string?>("--status") { Description = "Only executions with this status (completed, failed, ...)" };
        var model = new Option<string?>("--model") { Description = "Only executions of this model" };
        var since = new Option<DateTime?>("--since")
        {
            Description = "Only executions started since a duration ago (30m, 1h, 2d) or an ISO-8601 date (UTC unless an offset is given)",
            CustomParser = result =>
            {
                var text = result.Tokens[0].Value;
                if (SinceParser.TryParse(text, context.TimeProvider.GetUtcNow(), out var parsed))
                {
                    return parsed;
                }

                result.AddError($"--since: '{text}' is neither a duration like 30m, 1h, 2d nor an ISO-8601 date.");
                return null;
            },
        };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many executions", DefaultValueFactory = _ => 20 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 1)
            {
                result.AddError("--limit must be at least 1.");
            }
        });
        var json = new Option<bool>("--json") { Description = "Print a JSON array instead of a table" };

        var command = new Command("list", "List recorded executions, newest first") { status, model, since, limit, json };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            var query = new RecordQuery(result.GetValue(status), result.GetValue(model), result.GetValue(since), result.GetValue(limit));
            var exitCode = CliStore.TryOpen(result.GetRequiredValue(context.DatabaseOption), result.InvocationConfiguration.Error, out var store);
            if (exitCode != ExitCodes.Ok)
            {
                return exitCode;
            }

            IReadOnlyList<ExecutionRecord> records;
            using (store)
            {
                records = store?.Query(query) ?? [];
            }

            if (result.GetValue(json))
            {
                RecordJson.Write(output, records);
            }
            else
            {
                RecordPrinter.PrintTable(TapConsole.Create(output), records);
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
