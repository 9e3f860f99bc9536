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
}
