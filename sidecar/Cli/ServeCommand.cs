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
        var command = new Command("serve", "Run the sidecar: receive frames from shims, decide outcomes, record executions");

        // Anything else (--Tap:Store:MaxResponseChars=1000, ...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = Overrides(result, context);

            using var host = SidecarHost.CreateBuilder([.. result.UnmatchedTokens], overrides).Build();

            // Before the host starts: its services are built from these options and would fail less clearly.
            if (SidecarHost.ValidateOptions(host.Services) is { Count: > 0 } failures)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("tap serve could not start: invalid configuration:");
                foreach (var failure in failures)
                {
                    await result.InvocationConfiguration.Error.WriteLineAsync("  " + failure);
                }

                return ExitCodes.ServeFailed;
            }

            try
            {
                SidecarHost.ClaimDatabase(host.Services);
                await host.RunAsync(cancellationToken);
            }
            catch (DatabaseRefusedException refused)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("tap serve could not start: " + refused.Message);
                return refused.Refusal == DatabaseRefusal.Locked ? ExitCodes.ServeFailed : ExitCodes.DatabaseUnavailable;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidOperationException or LiteDB.LiteException)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("tap serve could not start: " + ex.Message);
                return ExitCodes.ServeFailed;
            }

            return ExitCodes.Ok;
        });
        return command;
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
