using Tap.Sidecar.Cli;
using Tap.Sidecar.Telemetry.Metrics;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

public class PrometheusAddressTests
{
    [TestCase("127.0.0.1:9464/metrics", "http://127.0.0.1:9464/metrics")]
    [TestCase("http://127.0.0.1:9464/metrics", "http://127.0.0.1:9464/metrics")]
    [TestCase("127.0.0.1:9464", "http://127.0.0.1:9464/metrics")]
    [TestCase("127.0.0.1:80/metrics", "http://127.0.0.1:80/metrics")]
    [TestCase("localhost:9464/scrape", "http://127.0.0.1:9464/scrape")]
    [TestCase("[::1]:9464/metrics", "http://[::1]:9464/metrics")]
    [TestCase("0.0.0.0:9464/metrics", "http://0.0.0.0:9464/metrics")]
    public void Address_to_listen_on_is_read_with_the_default_path(string text, string url) =>
        Assert.That(PrometheusAddress.Parse(text)?.Url, Is.EqualTo(new Uri(url)));

    [TestCase("prometheus.example.com:9464/metrics")]
    [TestCase("https://127.0.0.1:9464/metrics")]
    [TestCase("127.0.0.1:0/metrics")]
    [TestCase("127.0.0.1:70000/metrics")]
    [TestCase("127.0.0.1:9464/metrics?x=1")]
    [TestCase("9464")]
    [TestCase("127.0.0.1/metrics")]
    [TestCase("1234:9464/metrics")]
    [TestCase("[::1]/metrics")]
    public void Anything_else_is_not_an_address(string text) => Assert.That(PrometheusAddress.Parse(text), Is.Null);

    [Test]
    public async Task Serve_refuses_an_endpoint_that_is_not_an_address_in_one_line()
    {
        using var folder = new TempFolder();
        var (exitCode, _, error) = await CliRunner.RunAsync(
            "serve", "--endpoint", TestEndpoints.UniquePipeName(), "--db", folder.File("tap.db"), "--Tap:Telemetry:Prometheus:Endpoint=metrics.example.com:9464");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ServeFailed), error);
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain("Tap:Telemetry:Prometheus:Endpoint must be").And.Contain("metrics.example.com:9464"));
        Assert.That(File.Exists(folder.File("tap.db")), Is.False, "refused before the database is created");
    }

    [Test]
    public async Task Serve_refuses_a_port_already_taken_in_one_line_with_nothing_created()
    {
        using var folder = new TempFolder();
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var (exitCode, _, error) = await CliRunner.RunAsync(
            "serve", "--endpoint", TestEndpoints.UniquePipeName(), "--db", folder.File("tap.db"), $"--Tap:Telemetry:Prometheus:Endpoint=127.0.0.1:{port}/metrics");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.ServeFailed), error);
        Assert.That(error.Trim().Split('\n'), Has.Length.EqualTo(1), error);
        Assert.That(error, Does.Contain($"Failed to bind to address http://127.0.0.1:{port}: address already in use."));
        Assert.That(File.Exists(folder.File("tap.db")), Is.False, "refused before the database is created");
    }
}
