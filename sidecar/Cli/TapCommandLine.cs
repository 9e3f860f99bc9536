using System.CommandLine;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>The <c>tap</c> command line: parsing, and one subcommand per file.</summary>
internal static class TapCommandLine
{
    /// <summary>Overrides the default database path, for every subcommand.</summary>
    public const string DatabaseEnvironmentVariable = "TAP_DB";

    /// <summary>Overrides the default endpoint (the sidecar's pipe name or socket path), for every subcommand.</summary>
    public const string EndpointEnvironmentVariable = "TAP_ENDPOINT";

    public static RootCommand Build(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var database = NonEmpty.Require(new Option<string>("--db")
        {
            Description = $"The record database (${DatabaseEnvironmentVariable} when set, else the per-user data folder)",
            HelpName = "path",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(DatabaseEnvironmentVariable) is { Length: > 0 } path
                ? path
                : StoreOptions.DefaultDatabasePath,
        });
        var endpoint = new Option<string>("--endpoint")
        {
            Description = $"The sidecar's pipe name, or on Linux a rooted socket path (${EndpointEnvironmentVariable} when set, else tap); "
                + "the CLI asks the sidecar on its control endpoint, and reads the file itself when none answers",
            HelpName = "name",
            Recursive = true,
            DefaultValueFactory = _ => Environment.GetEnvironmentVariable(EndpointEnvironmentVariable) is { Length: > 0 } name
                ? name
                : Protocol.ProtocolConstants.DefaultEndpoint,
        };
        endpoint.Validators.Add(result =>
        {
            // TAP_ENDPOINT is checked too: a default from the environment is as much the operator's typo.
            if (EndpointName.Problem(result.GetValueOrDefault<string>()) is { } problem)
            {
                result.AddError($"--endpoint {problem}{(result.Implicit ? $" (from ${EndpointEnvironmentVariable})" : "")}.");
            }
        });
        var context = new CliContext(database, endpoint, timeProvider);

        var root = new RootCommand("Tap records the true outcome of streamed LLM responses.") { database, endpoint };
        root.Subcommands.Add(ServeCommand.Create(context));
        root.Subcommands.Add(ListCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(StatsCommand.Create(context));
        root.Subcommands.Add(TailCommand.Create(context));
        root.Subcommands.Add(ExportCommand.Create(context));
        root.Subcommands.Add(PurgeCommand.Create(context));
        root.Subcommands.Add(CompactCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(ConfigCommand.Create(context));
        root.Subcommands.Add(ServiceCommand.Create(context));
        root.Subcommands.Add(ReplayCommand.Create(context));
        root.Subcommands.Add(PricesCommand.Create(context));
        root.Subcommands.Add(RepriceCommand.Create(context));
        return root;
    }

    public static async Task<int> InvokeAsync(
        string[] args, TextWriter output, TextWriter error, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        var parsed = Build(timeProvider ?? TimeProvider.System).Parse(args);

        // System.CommandLine exits with 1 on parse errors; tap keeps 1 for "not found" and reports usage errors as 2,
        // one line each, the pointer to the help on the last.
        if (parsed.Errors.Count > 0)
        {
            // "tap frob" is both a missing and an unknown command: the unknown one says more.
            var messages = parsed.Errors.Select(e => e.Message.ReplaceLineEndings(" ")).ToList();
            if (messages.Count > 1)
            {
                messages.RemoveAll(m => m.StartsWith("Required command was not provided", StringComparison.Ordinal));
            }

            var help = $" Run '{CommandPath(parsed.CommandResult)} --help' for usage.";
            for (var i = 0; i < messages.Count; i++)
            {
                await error.WriteLineAsync(messages[i] + (i == messages.Count - 1 ? help : ""));
            }

            return ExitCodes.Usage;
        }

        try
        {
            // No process-termination timeout: on SIGTERM or Ctrl+C, tap serve's host must finish its graceful stop.
            // No default exception handler: it prints a stack trace; a bug gets one line and its own exit code.
            return await parsed.InvokeAsync(
                new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false },
                cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync($"tap failed unexpectedly ({ex.GetType().Name}): {ex.Message.ReplaceLineEndings(" ")} This is a bug in tap; please report it.");
            return ExitCodes.Unexpected;
        }
    }

    private static string CommandPath(System.CommandLine.Parsing.CommandResult result)
    {
        var names = new List<string>();
        for (System.CommandLine.Parsing.SymbolResult? current = result; current is not null; current = current.Parent)
        {
            if (current is System.CommandLine.Parsing.CommandResult command)
            {
                names.Insert(0, command.Command is RootCommand ? "tap" : command.Command.Name);
            }
        }

        return string.Join(' ', names);
    }
}
