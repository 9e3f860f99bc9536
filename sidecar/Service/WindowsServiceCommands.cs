namespace Tap.Sidecar.Service;

/// <summary>
/// The sc.exe calls that register and remove tap as a Windows service (Microsoft.Extensions.Hosting.WindowsServices
/// runs the host under the service control manager). Each call is one argument list; sc.exe wants "key=" and its
/// value as two arguments.
/// </summary>
internal static class WindowsServiceCommands
{
    public static IReadOnlyList<IReadOnlyList<string>> Install(ServiceDefinition service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var binPath = string.Join(' ', new[] { service.Executable }.Concat(service.Arguments).Select(Quote));
        return
        [
            ["create", ServiceDefinition.Name, "binPath=", binPath, "start=", "auto", "DisplayName=", "Tap sidecar"],
            ["description", ServiceDefinition.Name, ServiceDefinition.Description],

            // Restart on failure, like the systemd unit's Restart=on-failure.
            ["failure", ServiceDefinition.Name, "reset=", "86400", "actions=", "restart/5000/restart/5000/restart/30000"],
        ];
    }

    public static IReadOnlyList<IReadOnlyList<string>> Uninstall() =>
    [
        ["stop", ServiceDefinition.Name],
        ["delete", ServiceDefinition.Name],
    ];

    private static string Quote(string word) => word.Contains(' ', StringComparison.Ordinal) ? "\"" + word + "\"" : word;
}
