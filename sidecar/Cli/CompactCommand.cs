using System.CommandLine;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap compact --output NEW</c>: copies every execution into a new, compact file (LiteDB's own rebuild is not safe here).</summary>
internal static class CompactCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var file = NonEmpty.Require(new Option<string>("--output", "-o") { Description = "The new database file (must not exist)", Required = true, HelpName = "path" });
        var json = new Option<bool>("--json") { Description = "Print the result as a JSON object" };
        var salvage = new Option<bool>("--salvage") { Description = "Copy every readable record of a damaged database file (read, never changed)" };

        var command = new Command("compact", "Copy every execution into a new database file without free space; swap it in while tap serve is stopped")
        {
            file, json, salvage,
        };
        command.SetAction((result, cancellationToken) => result.GetValue(salvage)
            ? SalvageAction.RunAsync(result, context, Path.GetFullPath(result.GetRequiredValue(file)), result.GetValue(json), cancellationToken)
            : CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var target = Path.GetFullPath(result.GetRequiredValue(file));
            var error = result.InvocationConfiguration.Error;
            long copied;
            try
            {
                copied = await RecordCompactor.CopyAsync(source, target, null, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"Cannot write {target}: {ex.Message}");
                return ExitCodes.WriteFailed;
            }

            var size = new FileInfo(target).Length;
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync($"{{\"copied\": {copied}, \"output\": {System.Text.Json.JsonSerializer.Serialize(target)}, \"bytes\": {size}}}");
            }
            else
            {
                await output.WriteLineAsync($"Copied {copied} executions into {target} ({size / 1024} KiB).");
                await output.WriteLineAsync("To use it: stop tap serve, move it over the database file (and delete the old -log file), start tap serve.");
            }

            return ExitCodes.Ok;
        }, cancellationToken, exclusive: true));
        return command;
    }
}
