using Tap.Sidecar.Cli;
using Tap.Tests.Support;

namespace Tap.Tests.Cli;

[NonParallelizable]
public sealed class ConfigCommandTests
{
    [Test]
    public async Task Config_names_the_source_of_each_effective_value()
    {
        Environment.SetEnvironmentVariable("TAP_Tap__Store__RetentionDays", "7");
        try
        {
            var entries = await CliRunner.RunJsonAsync("config", "--json", "--db", "/tmp/tap-config-test.db", "--Tap:Control:MaxConnections=8");

            var byKey = entries.EnumerateArray().ToDictionary(e => e.GetProperty("key").GetString()!, e => (Value: e.GetProperty("value").GetString(), Source: e.GetProperty("source").GetString()));
            Assert.Multiple(() =>
            {
                Assert.That(byKey["Tap:Store:RetentionDays"], Is.EqualTo(("7", "env TAP_Tap__Store__RetentionDays")));
                Assert.That(byKey["Tap:Control:MaxConnections"], Is.EqualTo(("8", "command line")));
                Assert.That(byKey["Tap:Store:DatabasePath"].Value, Is.EqualTo("/tmp/tap-config-test.db"));
                Assert.That(byKey["Tap:Store:MaxDatabaseMegabytes"], Is.EqualTo(("1024", "default")));
                Assert.That(byKey["Tap:Store:MaintenanceInterval"], Is.EqualTo(("00:05:00", "default")));
                Assert.That(byKey.Keys, Has.Some.StartsWith("Tap:Ingest:").And.Some.StartsWith("Tap:Control:"));
            });
        }
        finally
        {
            Environment.SetEnvironmentVariable("TAP_Tap__Store__RetentionDays", null);
        }
    }

    [Test]
    public async Task Config_with_an_invalid_value_exits_4_and_says_why()
    {
        var (exitCode, output, error) = await CliRunner.RunAsync("config", "--Tap:Store:RetentionDays=-3");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ServeFailed));
        Assert.That(output, Does.Contain("Tap:Store:RetentionDays").And.Contain("command line"));
        Assert.That(error, Does.Contain("invalid: Tap:Store:RetentionDays"));
    }
}
