using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;

namespace Tap.Tests.Support;

/// <summary>
/// A real Prometheus (Debian's <c>prometheus</c> package; .ci/run installs it) on a free port of 127.0.0.1, with its own
/// configuration and storage in a temp folder, scraping one target every second; killed on dispose.
/// </summary>
internal sealed class PrometheusServer : IAsyncDisposable
{
    private const string Executable = "/usr/bin/prometheus";
    private readonly Process _process;
    private readonly TempFolder _folder;
    private readonly HttpClient _http;

    private PrometheusServer(Process process, TempFolder folder, Uri address)
    {
        _process = process;
        _folder = folder;
        _http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
    }

    public static async Task<PrometheusServer> StartAsync(Uri target)
    {
        if (!File.Exists(Executable))
        {
            Assert.Fail($"{Executable} is missing: install Debian's prometheus package (apt-get install -y prometheus), as .ci/run does.");
        }

        var folder = new TempFolder();
        var port = TestEndpoints.FreeTcpPort();
        var config = folder.File("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
              evaluation_interval: 1s
            scrape_configs:
              - job_name: tap
                metrics_path: {target.AbsolutePath}
                static_configs:
                  - targets: ['{target.Authority}']
            """);
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            "--config.file=" + config, "--storage.tsdb.path=" + folder.File("data"),
            $"--web.listen-address=127.0.0.1:{port}", "--log.level=warn",
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is { } line) { TestContext.Progress.WriteLine("[prometheus] " + line); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) { TestContext.Progress.WriteLine("[prometheus] " + line); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new PrometheusServer(process, folder, new Uri($"http://127.0.0.1:{port}/"));
        await WaitUntilAsync(async () => process.HasExited || await server.ReadyAsync(), "Prometheus is ready");
        Assert.That(process.HasExited, Is.False, "Prometheus started");
        return server;
    }

    /// <summary>Runs an instant PromQL query over the HTTP API; the single result's value, null when the result is empty.</summary>
    public async Task<double?> QueryAsync(string promql)
    {
        var series = await QuerySeriesAsync(promql);
        Assert.That(series, Has.Count.LessThanOrEqualTo(1), $"one series from {promql}");
        return series.Count == 0 ? null : series[0];
    }

    /// <summary>Runs an instant PromQL query over the HTTP API, which must accept it; the value of each series.</summary>
    public async Task<IReadOnlyList<double>> QuerySeriesAsync(string promql)
    {
        using var response = await _http.GetAsync("api/v1/query?query=" + Uri.EscapeDataString(promql));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("success"), $"the query {promql}: {json.RootElement}");
        return [.. json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(series => double.Parse(series.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture))];
    }

    /// <summary>Waits until <paramref name="promql"/> gives <paramref name="expected"/>; a failure names the last value.</summary>
    public async Task WaitForValueAsync(string promql, double expected, TimeSpan? timeout = null)
    {
        double? last = null;
        await WaitUntilAsync(async () => (last = await QueryAsync(promql)) == expected, () => $"{promql} is {expected} (last {last?.ToString(CultureInfo.InvariantCulture) ?? "no result"})", timeout);
    }

    /// <summary>Waits until <paramref name="promql"/> finds at least one series (a rate needs two scrapes of a new one).</summary>
    public Task WaitForSeriesAsync(string promql) =>
        WaitUntilAsync(async () => (await QuerySeriesAsync(promql)).Count > 0, () => $"{promql} finds a series", null);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        _process.Dispose();
        _http.Dispose();
        _folder.Dispose();
    }

    private async Task<bool> ReadyAsync()
    {
        try
        {
            using var response = await _http.GetAsync("-/ready");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static Task WaitUntilAsync(Func<Task<bool>> condition, string what) => WaitUntilAsync(condition, () => what, null);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, Func<string> what, TimeSpan? timeout)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what()}.");
            }

            await Task.Delay(100);
        }
    }
}
