using Tap.Soak;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// The CI form of the black-box soak (tests/Tap.Soak, docs/reliability.md "Soak runs"): the sample gateway, the fake
/// provider and the real <c>tap serve</c> as processes of their own, 20 client streams for 15 s in four formats with
/// client aborts and failing upstreams, while <c>tap serve</c> is stopped with SIGTERM and killed with SIGKILL.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public class SoakTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task Restarts_under_load_lose_duplicate_and_misstate_nothing_and_the_gateway_serves_every_client()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Ignore("SIGTERM and SIGKILL are Unix signals.");
        }

        var summary = await SoakRun.RunAsync(new SoakOptions
        {
            Scenario = "restarts",
            Streams = 20,
            Duration = TimeSpan.FromSeconds(15),
            Kills = 1,
            Terms = 1,
            // A shim that retries every 200 ms: the records can be read after a few quiet seconds.
            GatewayArgs = ["--Tap:MaxReconnectDelay", "00:00:00.200"],
            Settle = TimeSpan.FromSeconds(3),
            MaxSettle = TimeSpan.FromMinutes(1),
            Log = TestContext.Out,
        });

        TestContext.Out.WriteLine(summary);
        Assert.Multiple(() =>
        {
            Assert.That(summary.Served, Is.GreaterThan(300), "several hundred executions served");
            Assert.That(summary.Lost, Is.Zero, "served executions with no record");
            Assert.That(summary.Duplicated, Is.Zero, "request ids recorded twice");
            Assert.That(summary.WrongStatus, Is.Zero, "records with the wrong status");
            Assert.That(summary.GatewayErrors + summary.TransportErrors, Is.Zero, "requests the gateway failed");
            Assert.That(summary.StatsLost ?? 0, Is.EqualTo(summary.Lost), "tap stats counts the executions actually lost");
        });
    }
}
