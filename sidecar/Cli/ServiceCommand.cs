using System.CommandLine;
using Tap.Sidecar.Service;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap service install|uninstall</c>: registers tap serve with systemd (Linux) or the service control manager (Windows).</summary>
internal static class ServiceCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var unitPath = new Option<string>("--unit-path") { Description = "Where the systemd unit is written (Linux)", DefaultValueFactory = _ => SystemdUnit.DefaultPath, HelpName = "path" };
        var user = new Option<string?>("--user") { Description = "Run the service as this user (Linux; default root)", HelpName = "name" };

        var install = new Command("install", "Write the systemd unit (and print the systemctl commands to run), or register the Windows service") { unitPath, user };
        install.SetAction(result => Install(result, context, result.GetRequiredValue(unitPath), result.GetValue(user)));
        var uninstall = new Command("uninstall", "Remove the systemd unit, or the Windows service") { unitPath };
        uninstall.SetAction(result => Uninstall(result, result.GetRequiredValue(unitPath)));
        return new Command("service", "Install tap serve as a service") { install, uninstall };
    }

    private static int Install(ParseResult result, CliContext context, string unitPath, string? user)
    {
        var output = result.InvocationConfiguration.Output;
        var error = result.InvocationConfiguration.Error;
        if (OperatingSystem.IsWindows())
        {
            return Sc(WindowsServiceCommands.Install(ServiceDefinition.ForCurrentProcess(ServeArguments(result, context))), output, error);
        }

        // An explicit --endpoint/--db goes into the unit; otherwise the socket and database live in systemd's folders.
        var endpoint = result.GetResult(context.EndpointOption) is { Implicit: false } ? result.GetRequiredValue(context.EndpointOption) : SystemdUnit.Endpoint;
        var database = result.GetResult(context.DatabaseOption) is { Implicit: false } ? Path.GetFullPath(result.GetRequiredValue(context.DatabaseOption)) : SystemdUnit.DatabasePath;
        try
        {
            ServiceInstaller.WriteUnit(unitPath, SystemdUnit.Create(ServiceDefinition.ForCurrentProcess([]), user, endpoint, database));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"Cannot write {unitPath}: {ex.Message} (run as root, or give --unit-path).");
            return ExitCodes.WriteFailed;
        }

        output.WriteLine($"Wrote {Path.GetFullPath(unitPath)}. Now run:");
        foreach (var line in SystemdUnit.AfterInstall(unitPath, endpoint, database))
        {
            output.WriteLine("  " + line);
        }

        return ExitCodes.Ok;
    }

    private static int Uninstall(ParseResult result, string unitPath)
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

        output.WriteLine($"Removed {Path.GetFullPath(unitPath)}. Now run:");
        output.WriteLine($"  sudo systemctl stop {name}");
        output.WriteLine("  sudo systemctl daemon-reload");
        return ExitCodes.Ok;
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
