using System.CommandLine;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap show ID</c>: one execution in full.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = new Argument<string>("id") { Description = "The execution id, or a unique prefix of it (as tap list shows)" };
        var json = new Option<bool>("--json") { Description = "Print the record as a JSON object" };

        var command = new Command("show", "Show one execution in full") { id, json };
        command.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            var exitCode = CliStore.TryOpen(result.GetRequiredValue(context.DatabaseOption), error, out var store);
            if (exitCode != ExitCodes.Ok)
            {
                return exitCode;
            }

            if (store is null)
            {
                return ExitCodes.NotFound;
            }

            var wanted = result.GetRequiredValue(id);
            ExecutionRecord? record;
            using (store)
            {
                try
                {
                    record = store.Find(wanted);
                }
                catch (AmbiguousIdException ambiguous)
                {
                    error.WriteLine(ambiguous.Message);
                    return ExitCodes.NotFound;
                }
            }

            if (record is null)
            {
                error.WriteLine($"No execution with id '{wanted}'.");
                return ExitCodes.NotFound;
            }

            RecordPrinter.Print(result.InvocationConfiguration.Output, record, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }
}
