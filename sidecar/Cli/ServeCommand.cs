using System.CommandLine;
using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Hosting;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap serve</c>: the sidecar itself, in a console, under systemd or as a Windows service.</summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var endpoint = new Option<string?>("--endpoint") { Description = "Pipe name, or on Linux a rooted socket path (default: tap)" };
        var command = new Command("serve", "Run the sidecar: receive frames from shims, decide outcomes, record executions")
        {
            endpoint,
        };

        // Anything else (--Tap:Store:MaxResponseChars=1000, ...) is host configuration.
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(endpoint) is { } pipe)
            {
                overrides[SidecarHost.IngestSection + ":Endpoint"] = pipe;
            }

            // An explicit --db or TAP_DB wins over configuration files; the built-in default does not.
            if (result.GetResult(context.DatabaseOption) is { Implicit: false } || Environment.GetEnvironmentVariable(TapCommandLine.DatabaseEnvironmentVariable) is { Length: > 0 })
            {
                overrides[SidecarHost.StoreSection + ":DatabasePath"] = result.GetRequiredValue(context.DatabaseOption);
            }

            using var host = SidecarHost.CreateBuilder([.. result.UnmatchedTokens], overrides).Build();
            try
            {
                await host.RunAsync(cancellationToken);
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
}
