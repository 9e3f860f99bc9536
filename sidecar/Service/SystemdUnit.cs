using System.Globalization;
using System.Text;
using Tap.Sidecar.Hosting;

namespace Tap.Sidecar.Service;

/// <summary>
/// The systemd unit of <c>tap serve</c>: Type=notify (the host reports readiness through
/// Microsoft.Extensions.Hosting.Systemd), the socket under RuntimeDirectory /run/tap, the database under
/// StateDirectory /var/lib/tap, restarted on failure, and a stop timeout longer than the host's own. UMask=0007
/// makes the sockets 0770: a gateway connects when its user is in the service's group, nobody else. The service
/// yields the CPU (SCHED_IDLE, and an idle cgroup beside other services): on a shared machine a sidecar that preempts
/// its gateway's wake-ups cost a paced gateway 3-6% of its throughput (docs/benchmarks.md), and what the sidecar cannot
/// take at once the shims keep, in memory and then in their spool.
/// </summary>
internal static class SystemdUnit
{
    public const string DefaultPath = "/etc/systemd/system/tap.service";
    public const string Endpoint = "/run/tap/tap.sock";
    public const string DatabasePath = "/var/lib/tap/tap.db";

    /// <summary>systemd kills what is still running after this: the host must have finished its graceful stop first.</summary>
    public static TimeSpan StopTimeout { get; } = SidecarHost.ShutdownTimeout + TimeSpan.FromSeconds(15);

    public static string Create(ServiceDefinition service, UnixAccount? account, string endpoint = Endpoint, string databasePath = DatabasePath)
    {
        ArgumentNullException.ThrowIfNull(service);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"""
            [Unit]
            Description={ServiceDefinition.Description}
            After=network.target

            [Service]
            Type=notify
            ExecStart={string.Join(' ', new[] { service.Executable }.Concat(service.Arguments).Select(Quote))}
            Environment={Quote("TAP_ENDPOINT=" + endpoint)}
            Environment={Quote("TAP_DB=" + databasePath)}
            RuntimeDirectory=tap
            RuntimeDirectoryMode=0755
            StateDirectory=tap
            UMask=0007
            Restart=on-failure
            RestartSec=2
            TimeoutStopSec={(int)StopTimeout.TotalSeconds}
            # The gateway comes first: tap runs on the CPU time it leaves (docs/operations.md, "The gateway comes first").
            CPUSchedulingPolicy=idle
            CPUWeight=idle

            """);
        if (account is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"User={account.User}\nGroup={account.Group}\n");
        }

        text.Append("\n[Install]\nWantedBy=multi-user.target\n");
        return text.ToString();
    }

    /// <summary>What the operator runs after the unit is written.</summary>
    public static IReadOnlyList<string> AfterInstall(string unitPath, string endpoint = Endpoint, string databasePath = DatabasePath) =>
    [
        "sudo systemctl daemon-reload",
        $"sudo systemctl enable --now {Path.GetFileNameWithoutExtension(unitPath)}",
        $"systemctl status {Path.GetFileNameWithoutExtension(unitPath)}",
        $"export TAP_ENDPOINT={endpoint} TAP_DB={databasePath}   # for the CLI, run as the service's user",
    ];

    // systemd splits ExecStart on spaces and honours double quotes.
    private static string Quote(string word) =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c is '"' or '\\' or '\'') ? word : "\"" + word.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
