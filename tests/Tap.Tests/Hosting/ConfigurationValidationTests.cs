using Tap.Sidecar.Cli;
using Tap.Tests.Support;

namespace Tap.Tests.Hosting;

public sealed class ConfigurationValidationTests
{
    [Test]
    public async Task Serve_with_invalid_settings_exits_4_naming_every_wrong_key()
    {
        using var folder = new TempFolder();

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "serve", "--endpoint", TestEndpoints.UniquePipeName(), "--db", folder.File("tap.db"),
            "--Tap:Store:RetentionDays=-1", "--Tap:Control:MaxConnections=0", "--Tap:Ingest:MaxFrameBytes=10");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ServeFailed), error);
        Assert.That(error, Does.Contain("invalid configuration")
            .And.Contain("Tap:Store:RetentionDays")
            .And.Contain("Tap:Control")
            .And.Contain("Tap:Ingest:MaxFrameBytes"));
    }

    [Test]
    public async Task Serve_with_a_malformed_configuration_file_exits_4_in_one_line_and_creates_no_database()
    {
        using var folder = new TempFolder();

        // appsettings.ENV.json beside the executable, read only with --environment ENV: no other test sees it.
        var environment = "broken" + Guid.NewGuid().ToString("N")[..8];
        var file = Path.Combine(AppContext.BaseDirectory, $"appsettings.{environment}.json");
        await File.WriteAllTextAsync(file, "{\"Tap\": {\"Store\": ");
        try
        {
            var (exitCode, _, error) = await CliRunner.RunAsync(
                "serve", "--environment", environment, "--endpoint", folder.File("tap.sock"), "--db", folder.File("tap.db"));

            Assert.That(exitCode, Is.EqualTo(ExitCodes.ServeFailed), error);
            Assert.That(error.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(1));
            Assert.That(error, Does.Contain($"Failed to load configuration from file '{file}'"));
            Assert.That(Directory.EnumerateFileSystemEntries(folder.Path), Is.Empty, "no database, no socket");
        }
        finally
        {
            File.Delete(file);
        }
    }
}
