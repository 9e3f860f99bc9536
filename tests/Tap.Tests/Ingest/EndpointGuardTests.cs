using Tap.Sidecar.Ingest;
using Tap.Tests.Support;

namespace Tap.Tests.Ingest;

/// <summary>
/// The endpoint guard removes only a socket it has proved stale (issue 12): a regular file, a directory, a link or
/// the database at the endpoint stops <c>tap serve</c> with exit 4 and one reason, and every file is left as it was.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EndpointGuardTests
{
    private static readonly byte[] Precious = [.. "a database the operator cares about\n"u8, 0, 1, 2, 255];

    [SetUp]
    public void SkipOnWindows()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("Windows pipes are not files.");
        }
    }

    [Test]
    public async Task Endpoint_that_is_a_regular_file_is_refused_and_left_byte_identical()
    {
        using var folder = new TempFolder();
        var precious = folder.File("tap.db");
        await File.WriteAllBytesAsync(precious, Precious);

        // The operator swapped --db and --endpoint.
        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", precious, "--db", folder.File("tap.sock"));

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain($"{precious} is a regular file, not a socket: refusing to replace it"));
        Assert.That(await File.ReadAllBytesAsync(precious), Is.EqualTo(Precious));
        Assert.That(Directory.GetFiles(folder.Path), Is.EqualTo(new[] { precious }), "nothing created, nothing removed");
    }

    [Test]
    public async Task Control_endpoint_that_is_a_regular_file_is_refused_and_left_byte_identical()
    {
        using var folder = new TempFolder();
        var control = folder.File("tap.sock.control");
        await File.WriteAllBytesAsync(control, Precious);

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", folder.File("tap.sock"), "--db", folder.File("tap.db"));

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain($"{control} is a regular file, not a socket: refusing to replace it"));
        Assert.That(await File.ReadAllBytesAsync(control), Is.EqualTo(Precious));
        Assert.That(Directory.GetFiles(folder.Path), Is.EqualTo(new[] { control }), "no database created");
    }

    [Test]
    public async Task Endpoint_equal_to_the_database_path_is_refused()
    {
        using var folder = new TempFolder();
        var path = folder.File("tap.db");

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", path, "--db", path);

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain($"The endpoint {path} is the database path"));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty, "no database created at the shared path");
    }

    [Test]
    public async Task Endpoint_equal_to_the_database_log_file_is_refused()
    {
        using var folder = new TempFolder();

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", folder.File("tap-log.db"), "--db", folder.File("tap.db"));

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain("is the database's log file"));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty);
    }

    [Test]
    public async Task Endpoint_that_is_a_directory_is_refused_and_kept()
    {
        using var folder = new TempFolder();
        var directory = Directory.CreateDirectory(folder.File("run")).FullName;

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", directory, "--db", folder.File("tap.db"));

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain($"{directory} is a directory, not a socket"));
        Assert.That(Directory.Exists(directory), Is.True);
    }

    [Test]
    public async Task Endpoint_that_is_a_symbolic_link_is_refused_and_its_target_left_byte_identical()
    {
        using var folder = new TempFolder();
        var target = folder.File("tap.db");
        await File.WriteAllBytesAsync(target, Precious);
        var link = folder.File("tap.sock");
        File.CreateSymbolicLink(link, target);

        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--endpoint", link, "--db", folder.File("other.db"));

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain($"{link} is a symbolic link, not a socket"));
        Assert.That(File.ResolveLinkTarget(link, returnFinalTarget: false)?.FullName, Is.EqualTo(target));
        Assert.That(await File.ReadAllBytesAsync(target), Is.EqualTo(Precious));
    }

    [TestCase("", "must not be empty")]
    [TestCase("   ", "must not be empty")]
    [TestCase("./x.sock", "'./x.sock' is a relative path")]
    [TestCase("a/b", "'a/b' is a relative path")]
    public async Task Empty_or_relative_endpoint_in_configuration_is_a_clear_error(string endpoint, string expected)
    {
        using var folder = new TempFolder();

        // The --endpoint option is refused by the command line itself (exit 2, BadInvocationTests); configuration is checked here.
        var (exitCode, _, error) = await CliRunner.RunAsync("serve", "--db", folder.File("tap.db"), $"--Tap:Ingest:Endpoint={endpoint}");

        Assert.That(exitCode, Is.EqualTo(4));
        Assert.That(error, Does.Contain(expected).And.Not.Contain("   at "));
        Assert.That(Directory.GetFiles(folder.Path), Is.Empty);
    }

    [Test]
    public void Endpoint_longer_than_a_socket_address_is_a_clear_error()
    {
        var options = new IngestOptions { Endpoint = "/tmp/" + new string('x', 100) };

        Assert.That(options.Errors(), Has.One.Contains("is too long"));
    }
}
