using System.CommandLine;
using Tap.Protocol;
using Tap.Sidecar.Control;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store.Files;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>
/// Finds the records for a command: the running sidecar over its control endpoint first, else the database file
/// (read-only unless the command writes), and runs the command with it, mapping failures to exit codes.
/// </summary>
internal static class CliSource
{
    /// <summary>A sidecar on this machine answers at once; waiting longer only delays the fallback to the file.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromMilliseconds(300);

    public static async Task<int> RunAsync(
        ParseResult result,
        CliContext context,
        bool writable,
        Func<IRecordSource, Task<int>> command,
        CancellationToken cancellationToken,
        bool exclusive = false,
        Pricing.PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(command);
        var error = result.InvocationConfiguration.Error;
        var (exitCode, source) = await OpenAsync(result.GetRequiredValue(context.EndpointOption), result.GetRequiredValue(context.DatabaseOption), writable, error, cancellationToken, exclusive, prices);
        if (source is null)
        {
            return exitCode;
        }

        await using (source)
        {
            try
            {
                return await command(source);
            }
            catch (AmbiguousIdException ambiguous)
            {
                await error.WriteLineAsync(ambiguous.Message);
                return ExitCodes.NotFound;
            }
            catch (ControlException failed)
            {
                await error.WriteLineAsync(failed.Message);
                return ExitCodes.SidecarFailed;
            }
            catch (Exception damaged) when (source is StoreRecordSource && damaged is not OperationCanceledException)
            {
                // A page the start-up probe did not read: whatever its bytes decode to, one line and no trace.
                await error.WriteLineAsync($"{source.Description} is damaged: {damaged.Message.ReplaceLineEndings(" ")} (run tap check; tap compact --salvage copies what is readable)");
                return ExitCodes.DatabaseUnavailable;
            }
        }
    }

    public static async Task<(int ExitCode, IRecordSource? Source)> OpenAsync(
        string endpoint, string databasePath, bool writable, TextWriter error, CancellationToken cancellationToken, bool exclusive = false, Pricing.PriceTable? prices = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (await ControlClient.TryConnectAsync(endpoint, ConnectTimeout, cancellationToken) is { } client)
        {
            return (ExitCodes.Ok, client);
        }

        DatabaseLock? held = null;
        try
        {
            if (DatabaseHeader.Inspect(databasePath).State == DatabaseHeader.State.New)
            {
                await error.WriteLineAsync($"No database at {databasePath} yet: nothing has been recorded.");
                return (ExitCodes.Ok, EmptyRecordSource.Instance);
            }

            // A writer holds the file (a sidecar on another endpoint): reading beside it sees torn pages, writing breaks it.
            if (writable || exclusive)
            {
                held = DatabaseLock.Acquire(databasePath);
            }
            else if (DatabaseLock.ProbeHeld(databasePath) is { } locked)
            {
                throw locked;
            }

            return (ExitCodes.Ok, new StoreRecordSource(new RecordStore(databasePath, readOnly: !writable), $"the database {databasePath}", ownsStore: true, held, prices: prices));
        }
        catch (DatabaseRefusedException refused)
        {
            held?.Dispose();
            await error.WriteLineAsync(refused.Message);
            if (refused.Refusal == DatabaseRefusal.Locked)
            {
                await error.WriteLineAsync(
                    $"No sidecar answered on {PipeEndpoint.Address(ControlEndpoint.For(endpoint))}: give the running tap serve's endpoint (--endpoint or TAP_ENDPOINT), or stop it.");
            }

            return (ExitCodes.DatabaseUnavailable, null);
        }
        catch (UnauthorizedAccessException)
        {
            held?.Dispose();

            // Another user's sidecar: its control socket and its files are owner-only (docs/operations.md).
            await error.WriteLineAsync(
                $"Cannot read the database {databasePath}: permission denied, and no sidecar this user may reach answered on {PipeEndpoint.Address(ControlEndpoint.For(endpoint))}; run tap as the sidecar's user.");
            return (ExitCodes.DatabaseUnavailable, null);
        }
        catch (Exception exception)
        {
            held?.Dispose();

            // Not only IOException and LiteException: LiteDB reading a file that is not a database throws whatever
            // the garbage decodes to (ArgumentOutOfRangeException for impossible dates, for one).
            await error.WriteLineAsync($"Cannot open the database {databasePath}: {exception.Message}");
            await error.WriteLineAsync(
                $"No sidecar answered on {PipeEndpoint.Address(ControlEndpoint.For(endpoint))}. If 'tap serve' is running, "
                + "give its endpoint (--endpoint or TAP_ENDPOINT) and run tap as its user; else check the file and --db.");
            return (ExitCodes.DatabaseUnavailable, null);
        }
    }
}
