using System.Diagnostics;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Service;
using Tap.Tests.Support;

namespace Tap.Tests.Service;

public sealed class ServiceCommandTests
{
    [Test]
    [Platform(Exclude = "Win")]
    public async Task Install_writes_a_notify_unit_for_the_running_executable_and_prints_the_systemctl_commands()
    {
        using var folder = new TempFolder();
        var unitPath = folder.File("system/tap.service");

        var (exitCode, output, error) = await CliRunner.RunAsync("service", "install", "--unit-path", unitPath);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        var unit = await File.ReadAllTextAsync(unitPath);
        Assert.Multiple(() =>
        {
            Assert.That(unit, Does.Contain("Type=notify").And.Contain("RuntimeDirectory=tap").And.Contain("Restart=on-failure"));
            Assert.That(unit, Does.Contain($"ExecStart={Environment.ProcessPath}"));
            Assert.That(unit, Does.Contain("Environment=TAP_ENDPOINT=/run/tap/tap.sock"));
            Assert.That(output, Does.Contain("systemctl daemon-reload").And.Contain("systemctl enable --now tap"));
        });
        var stopTimeout = int.Parse(unit.Split('\n').Single(l => l.StartsWith("TimeoutStopSec=", StringComparison.Ordinal))["TimeoutStopSec=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(TimeSpan.FromSeconds(stopTimeout), Is.GreaterThan(SidecarHost.ShutdownTimeout));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task The_unit_passes_systemd_analyze_verify()
    {
        if (!File.Exists("/usr/bin/systemd-analyze") && !File.Exists("/bin/systemd-analyze"))
        {
            Assert.Ignore("systemd-analyze is not installed here (apt-get install systemd provides it).");
        }

        using var folder = new TempFolder();
        var unitPath = folder.File("tap.service");
        await File.WriteAllTextAsync(unitPath, SystemdUnit.Create(ServiceDefinition.ForCurrentProcess([]), account: null));

        var verify = new ProcessStartInfo("systemd-analyze") { RedirectStandardError = true, RedirectStandardOutput = true };
        verify.ArgumentList.Add("verify");
        verify.ArgumentList.Add(unitPath);
        using var process = Process.Start(verify)!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.That(process.ExitCode, Is.Zero, errors);
        Assert.That(errors, Does.Not.Contain("tap.service:"), "no warning about the unit itself");
    }

    [Test]
    public void The_unit_yields_the_cpu_to_the_gateway_as_a_task_and_as_a_cgroup()
    {
        var lines = SystemdUnit.Create(new ServiceDefinition("/opt/tap/tap", ["serve"]), account: null).Split('\n');

        // Both: inside its own cgroup a SCHED_IDLE task yields only to its siblings, so the cgroup must be idle too.
        Assert.That(lines, Does.Contain("CPUSchedulingPolicy=idle").And.Contain("CPUWeight=idle"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Uninstall_removes_the_unit_and_its_enable_link()
    {
        using var folder = new TempFolder();
        var unitPath = folder.File("tap.service");
        await CliRunner.RunAsync("service", "install", "--unit-path", unitPath);
        Directory.CreateDirectory(folder.File("multi-user.target.wants"));
        File.CreateSymbolicLink(folder.File("multi-user.target.wants/tap.service"), unitPath);

        var (exitCode, output, _) = await CliRunner.RunAsync("service", "uninstall", "--unit-path", unitPath);
        var again = await CliRunner.RunAsync("service", "uninstall", "--unit-path", unitPath);

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("daemon-reload"));
        Assert.That(File.Exists(unitPath) || Directory.EnumerateFileSystemEntries(folder.File("multi-user.target.wants")).Any(), Is.False);
        Assert.That(again.ExitCode, Is.EqualTo(ExitCodes.NotFound));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Install_json_names_the_unit_and_the_commands_to_run()
    {
        using var folder = new TempFolder();

        var report = await CliRunner.RunJsonAsync("service", "install", "--unit-path", folder.File("tap.service"), "--json");

        Assert.That(report.GetProperty("wrote").GetString(), Is.EqualTo(folder.File("tap.service")));
        Assert.That(report.GetProperty("run_next")[0].GetString(), Is.EqualTo("sudo systemctl daemon-reload"));
    }

    [Test]
    public void Windows_install_builds_the_sc_exe_calls_with_a_quoted_bin_path()
    {
        var service = new ServiceDefinition(@"C:\Program Files\tap\tap.exe", ["serve", "--db", @"C:\data\tap.db"]);

        var calls = WindowsServiceCommands.Install(service);

        Assert.That(calls[0], Is.EqualTo(new[] { "create", "tap", "binPath=", "\"C:\\Program Files\\tap\\tap.exe\" serve --db C:\\data\\tap.db", "start=", "auto", "DisplayName=", "Tap sidecar" }));
        Assert.That(calls[1][0], Is.EqualTo("description"));
        Assert.That(calls[2], Does.Contain("actions=").And.Contain("restart/5000/restart/5000/restart/30000"));
        Assert.That(WindowsServiceCommands.Uninstall(), Is.EqualTo(new[] { new[] { "stop", "tap" }, new[] { "delete", "tap" } }));
    }

    [Test]
    public void A_path_with_spaces_is_quoted_in_exec_start()
    {
        var unit = SystemdUnit.Create(new ServiceDefinition("/opt/my tools/tap", ["serve"]), new UnixAccount("tap", 998, "tap"));

        Assert.That(unit, Does.Contain("ExecStart=\"/opt/my tools/tap\" serve").And.Contain("User=tap"));
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Install_for_a_user_that_does_not_exist_exits_2_and_writes_no_unit()
    {
        using var folder = new TempFolder();
        var unitPath = folder.File("tap.service");

        var (exitCode, _, error) = await CliRunner.RunAsync("service", "install", "--unit-path", unitPath, "--user", "nosuchuser");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Usage));
        Assert.That(error, Does.StartWith("No user 'nosuchuser' on this machine"));
        Assert.That(File.Exists(unitPath), Is.False);
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Install_for_a_user_runs_the_service_in_that_users_primary_group()
    {
        if (UnixAccount.Find("nobody") is not { } nobody)
        {
            Assert.Ignore("This machine has no user nobody.");
            return;
        }

        using var folder = new TempFolder();
        var unitPath = folder.File("tap.service");

        var (exitCode, _, error) = await CliRunner.RunAsync("service", "install", "--unit-path", unitPath, "--user", "nobody");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        var unit = await File.ReadAllTextAsync(unitPath);
        Assert.That(unit, Does.Contain("User=nobody\n").And.Contain($"Group={nobody.Group}\n"));
        Assert.That(nobody.Group, Is.Not.EqualTo("nobody"), "on Debian and Ubuntu nobody's group is nogroup: the unit must not guess it");
    }

    [Test]
    public void An_account_is_found_by_name_or_uid_with_the_name_of_its_primary_group()
    {
        using var folder = new TempFolder();
        File.WriteAllText(folder.File("passwd"), "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\ntap:x:998:1500::/var/lib/tap:/usr/sbin/nologin\n");
        File.WriteAllText(folder.File("group"), "root:x:0:\nnogroup:x:65534:\n");

        Assert.Multiple(() =>
        {
            Assert.That(UnixAccount.Find("nobody", folder.File("passwd"), folder.File("group")), Is.EqualTo(new UnixAccount("nobody", 65534, "nogroup")));
            Assert.That(UnixAccount.Find("0", folder.File("passwd"), folder.File("group")), Is.EqualTo(new UnixAccount("root", 0, "root")));
            Assert.That(UnixAccount.Find("tap", folder.File("passwd"), folder.File("group")), Is.EqualTo(new UnixAccount("tap", 998, "1500")), "a gid without a group entry stays numeric");
            Assert.That(UnixAccount.Find("nosuchuser", folder.File("passwd"), folder.File("group")), Is.Null);
        });
    }

    [Test]
    [Platform(Exclude = "Win")]
    public async Task Install_from_a_debug_build_inside_a_source_tree_warns_about_both()
    {
        using var folder = new TempFolder();

        // The tests run tap from bin/Debug of this repository: exactly what an operator installing from a clone does.
        var (exitCode, _, error) = await CliRunner.RunAsync("service", "install", "--unit-path", folder.File("tap.service"));

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
        Assert.That(error, Does.Contain("Warning: the unit runs a Debug build").And.Contain("inside the source tree"));
    }

    [Test]
    public void A_published_executable_outside_any_source_tree_gets_no_warning()
    {
        Assert.That(InstallWarnings.For(new ServiceDefinition("/opt/tap/tap", ["serve"])), Is.Empty);
    }

    [Test]
    public async Task Install_help_names_the_endpoint_and_database_the_unit_really_uses()
    {
        var (exitCode, output, _) = await CliRunner.RunAsync("service", "install", "--help");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok));
        Assert.That(output, Does.Contain("TAP_ENDPOINT=" + SystemdUnit.Endpoint).And.Contain("TAP_DB=" + SystemdUnit.DatabasePath).And.Contain("primary group"));
    }
}
