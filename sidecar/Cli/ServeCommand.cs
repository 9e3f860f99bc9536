using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap serve</c>: the sidecar itself, in a console, under systemd or as a Windows service.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("serve", "Run the sidecar: receive frames from shims, decide outcomes, record executions (configuration flags like --Tap:Store:RetentionDays=7 are accepted)");

        // Configuration flags (--Tap:Store:MaxResponseChars=1000, ...) reach the host; ConfigurationFlags refuses the rest.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (ConfigurationFlags.Problem(result.UnmatchedTokens, OptionNames(result, context)) is { } problem)
            {
                await error.WriteLineAsync(problem + " Run 'tap serve --help' for usage.");
                return ExitCodes.Usage;
            }

            var startLog = new StartFailureLog();
            using var configuration = ServeConfiguration.Load([.. result.UnmatchedTokens], Overrides(result, context), builder => startLog.AddTo(builder.Logging));
            if (configuration is not { Host: { } host, Failures.Count: 0 })
            {
                foreach (var failure in configuration.Failures)
                {
                    await error.WriteLineAsync("tap serve could not start: invalid configuration: " + failure);
                }

                return ExitCodes.ServeFailed;
            }

            try
            {
                SidecarHost.ClaimDatabase(host.Services);
                await host.StartAsync(cancellationToken);
            }
            catch (DatabaseRefusedException refused)
            {
                await error.WriteLineAsync("tap serve could not start: " + refused.Message);
                return refused.Refusal == DatabaseRefusal.Locked ? ExitCodes.ServeFailed : ExitCodes.DatabaseUnavailable;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or LiteDB.LiteException)
            {
                await error.WriteLineAsync("tap serve could not start: " + ex.Message.ReplaceLineEndings(" "));
                return ExitCodes.ServeFailed;
            }
            finally
            {
                startLog.StartEnded();
            }

            await host.WaitForShutdownAsync(cancellationToken);
            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>The options a mistyped flag is compared with: the command's own and the global ones.</summary>
    public static IReadOnlyCollection<string> OptionNames(ParseResult result, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        return [.. result.CommandResult.Command.Options.Append(context.DatabaseOption).Append(context.EndpointOption).SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => n.StartsWith("--", StringComparison.Ordinal)).Distinct()];
    }

    /// <summary>An explicit --endpoint/--db or TAP_ENDPOINT/TAP_DB wins over configuration files; the built-in defaults do not.</summary>
    public static Dictionary<string, string?> Overrides(ParseResult result, CliContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        var overrides = new Dictionary<string, string?>();
        if (result.GetResult(context.EndpointOption) is { Implicit: false } || Environment.GetEnvironmentVariable(TapCommandLine.EndpointEnvironmentVariable) is { Length: > 0 })
        {
            overrides[SidecarHost.IngestSection + ":Endpoint"] = result.GetRequiredValue(context.EndpointOption);
        }

        if (result.GetResult(context.DatabaseOption) is { Implicit: false } || Environment.GetEnvironmentVariable(TapCommandLine.DatabaseEnvironmentVariable) is { Length: > 0 })
        {
            overrides[SidecarHost.StoreSection + ":DatabasePath"] = result.GetRequiredValue(context.DatabaseOption);
        }

        return overrides;
    }
}
