using System.CommandLine;
using System.Text.Json;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap compact --salvage --output NEW</c>: the recovery path for a damaged database file.</summary>
internal static class SalvageAction
{
    public static async Task<int> RunAsync(ParseResult result, CliContext context, string target, bool json, CancellationToken cancellationToken)
    {
        var source = Path.GetFullPath(result.GetRequiredValue(context.DatabaseOption));
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        try
        {
            // Held for the copy: no sidecar may start writing the source meanwhile.
            using var held = DatabaseLock.Acquire(source);
            var (copied, unreadable) = await Task.Run(() => RecordSalvager.Salvage(source, target), cancellationToken);
            await output.WriteLineAsync(json
                ? $"{{\"copied\": {copied}, \"unreadable\": {unreadable}, \"output\": {JsonSerializer.Serialize(target)}}}"
                : $"Salvaged {copied} executions into {target}; {unreadable} could not be read. {source} is unchanged.\n"
                    + "To use it: stop tap serve, keep the damaged file aside, move the new one (and no -log file) to its place, start tap serve.");
            return ExitCodes.Ok;
        }
        catch (DatabaseRefusedException refused)
        {
            await error.WriteLineAsync(refused.Message);
            return ExitCodes.DatabaseUnavailable;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"Cannot salvage into {target}: {ex.Message}");
            return ExitCodes.WriteFailed;
        }
    }
}
