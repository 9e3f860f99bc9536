using System.Text.Json;

namespace Tap.Tests.Hosting;

public sealed class RuntimeSettingsTests
{
    [Test]
    public void Tap_runs_with_the_runtime_settings_its_benchmarks_measured()
    {
        // bench/Hosts/ChildProcess.cs starts its sidecars with the same two settings; docs/benchmarks.md gives the figures.
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "tap.runtimeconfig.json")));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.Multiple(() =>
        {
            Assert.That(properties.GetProperty("System.Runtime.TieredPGO").GetBoolean(), Is.False, "no dynamic PGO (\"Cold start\")");
            Assert.That(properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32(), Is.Zero, "thread-pool workers do not spin (\"the sidecar's thread pool sleeps\")");
        });
    }
}
