using System.CommandLine;
using Tap.Sidecar.Service;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap service install|uninstall</c>: registers tap serve with systemd (Linux) or the service control manager (Windows).</summary>
internal static class ServiceCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var unitPath = NonEmpty.Require(new Option<string>("--unit-path") { Description = "Where the systemd unit is written (Linux)", DefaultValueFactory = _ => SystemdUnit.DefaultPath, HelpName = "path" });
        var user = NonEmpty.Require(new Option<string?>("--user") { Description = "Run the service as this existing user and its primary group (Linux; without it, root)", HelpName = "name" });
        var json = new Option<bool>("--json") { Description = "Print the unit path and the commands to run next as a JSON object" };

        var install = new Command(
            "install",
            "Write the systemd unit (and print the systemctl commands to run), or register the Windows service. "
            + $"The unit runs tap serve with TAP_ENDPOINT={SystemdUnit.Endpoint} and TAP_DB={SystemdUnit.DatabasePath} unless --endpoint or --db is given here "
            + "(the defaults shown for those two are the CLI's own, not the unit's)")
        {
            unitPath, user, json,
        };
        install.SetAction(result => Install(result, context, result.GetRequiredValue(unitPath), result.GetValue(user), result.GetValue(json)));
        var uninstall = new Command("uninstall", "Remove the systemd unit, or the Windows service") { unitPath, json };
        uninstall.SetAction(result => Uninstall(result, result.GetRequiredValue(unitPath), result.GetValue(json)));
        return new Command("service", "Install tap serve as a service") { install, uninstall };
    }

    private static int Install(ParseResult result, CliContext context, string unitPath, string? user, bool json)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        if (OperatingSystem.IsWindows())
        {
            return Sc(WindowsServiceCommands.Install(ServiceDefinition.ForCurrentProcess(ServeArguments(result, context))), output, error);
        }

        UnixAccount? account = null;
        if (user is not null && (account = UnixAccount.Find(user)) is null)
        {
            error.WriteLine($"No user '{user}' on this machine (/etc/passwd): create it first (useradd --system {user}), or leave out --user to run as root.");
            return ExitCodes.Usage;
        }

        // An explicit --endpoint/--db goes into the unit; otherwise the socket and database live in systemd's folders.
        var endpoint = result.GetResult(context.EndpointOption) is { Implicit: false } ? result.GetRequiredValue(context.EndpointOption) : SystemdUnit.Endpoint;
        var database = result.GetResult(context.DatabaseOption) is { Implicit: false } ? Path.GetFullPath(result.GetRequiredValue(context.DatabaseOption)) : SystemdUnit.DatabasePath;
        var service = ServiceDefinition.ForCurrentProcess([]);
        try
        {
            ServiceInstaller.WriteUnit(unitPath, SystemdUnit.Create(service, account, endpoint, database));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot write {unitPath}: {ex.Message} (run as root, or give --unit-path).");
            return ExitCodes.WriteFailed;
        }

        foreach (var warning in InstallWarnings.For(service))
        {
            error.WriteLine(warning);
        }

        Report(output, json, "Wrote", unitPath, SystemdUnit.AfterInstall(unitPath, endpoint, database));
        return ExitCodes.Ok;
    }

    private static int Uninstall(ParseResult result, string unitPath, bool json)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        if (OperatingSystem.IsWindows())
        {
            return Sc(WindowsServiceCommands.Uninstall(), output, error);
        }

        var name = Path.GetFileNameWithoutExtension(unitPath);
        try
        {
            if (!ServiceInstaller.RemoveUnit(unitPath))
            {
                error.WriteLine($"No unit at {unitPath}.");
                return ExitCodes.NotFound;
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot remove {unitPath}: {ex.Message} (run as root, or give --unit-path).");
            return ExitCodes.WriteFailed;
        }

        Report(output, json, "Removed", unitPath, [$"sudo systemctl stop {name}", "sudo systemctl daemon-reload"]);
        return ExitCodes.Ok;
    }

    private static void Report(TextWriter output, bool json, string done, string unitPath, IReadOnlyList<string> next)
    {
        var path = Path.GetFullPath(unitPath);
        if (json)
        {
            var root = new System.Text.Json.Nodes.JsonObject
            {
                [done.ToLowerInvariant()] = path,
                ["run_next"] = new System.Text.Json.Nodes.JsonArray([.. next.Select(line => (System.Text.Json.Nodes.JsonNode?)line)]),
            };
            output.WriteLine(root.ToJsonString());
            return;
        }

        output.WriteLine($"{done} {path}. Now run:");
        foreach (var line in next)
        {
            output.WriteLine("  " + line);
        }
    }

    private static List<string> ServeArguments(ParseResult result, CliContext context)
    {
        List<string> arguments = [];
        if (result.GetResult(context.EndpointOption) is { Implicit: false })
        {
            arguments.AddRange(["--endpoint", result.GetRequiredValue(context.EndpointOption)]);
        }

        if (result.GetResult(context.DatabaseOption) is { Implicit: false })
        {
            arguments.AddRange(["--db", Path.GetFullPath(result.GetRequiredValue(context.DatabaseOption))]);
        }

        return arguments;
    }

    [System.Runtime.Versioning.SupportedOSPlatform("windows")]
    private static int Sc(IReadOnlyList<IReadOnlyList<string>> calls, TextWriter output, TextWriter error)
    {
        var exitCode = ServiceInstaller.RunSc(calls, output);
        if (exitCode != 0)
        {
            error.WriteLine($"sc.exe failed with exit code {exitCode} (run from an elevated prompt).");
            return ExitCodes.WriteFailed;
        }

        return ExitCodes.Ok;
    }
}
