using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;

namespace Tap.Benchmarks.Gateway;

/// <summary>
/// Closed-loop clients: each of <c>concurrency</c> workers sends a streamed request, reads the whole body, and
/// sends the next, for a fixed time. The formats rotate, so every aggregator of the sidecar is exercised.
/// </summary>
internal sealed class StreamingLoad(HttpClient client, int paceMs)
{
    private static readonly string[] Bodies =
    [
        """{"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},"messages":[{"role":"user","content":"hi"}]}""",
        """{"model":"gpt-4o","stream":true,"input":"hi"}""",
        """{"model":"claude-sonnet-4-5","max_tokens":256,"stream":true,"messages":[{"role":"user","content":"hi"}]}""",
        """{"contents":[{"role":"user","parts":[{"text":"hi"}]}]}""",
    ];

    private static readonly string[] Paths = [.. FixtureSet.Formats.Select(f => FixtureSet.Text(f).RequestPath + (f == "gemini" ? "?alt=sse" : ""))];

    public static HttpClient CreateClient(Uri gateway) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = int.MaxValue,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
    })
    {
        BaseAddress = gateway,
        Timeout = TimeSpan.FromSeconds(60),
    };

    public async Task<RoundResult> RunAsync(int concurrency, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(w => Task.Run(() => WorkerAsync(w, clock, duration))).ToArray();
        var results = await Task.WhenAll(workers);
        var total = new RoundResult { Elapsed = clock.Elapsed };
        foreach (var result in results)
        {
            total.Requests += result.Requests;
            total.Errors += result.Errors;
            total.Bytes += result.Bytes;
            total.FirstByteMs.AddRange(result.FirstByteMs);
            total.TotalMs.AddRange(result.TotalMs);
        }

        return total;
    }

    private async Task<RoundResult> WorkerAsync(int worker, Stopwatch clock, TimeSpan duration)
    {
        var result = new RoundResult();
        var buffer = new byte[16 * 1024];
        for (var i = worker; clock.Elapsed < duration; i++)
        {
            var format = i % Paths.Length;
            using var request = new HttpRequestMessage(HttpMethod.Post, Paths[format])
            {
                Content = new StringContent(Bodies[format], Encoding.UTF8, "application/json"),
            };
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (paceMs > 0)
            {
                request.Headers.Add(ProviderRole.PaceHeader, paceMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            var started = Stopwatch.GetTimestamp();
            try
            {
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using var body = await response.Content.ReadAsStreamAsync();
                long bytes = 0;
                int read;
                while ((read = await body.ReadAsync(buffer)) > 0)
                {
                    if (bytes == 0)
                    {
                        result.FirstByteMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }

                    bytes += read;
                }

                result.TotalMs.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                result.Bytes += bytes;
                if (response.IsSuccessStatusCode && bytes > 0)
                {
                    result.Requests++;
                }
                else
                {
                    result.Errors++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TaskCanceledException)
            {
                result.Errors++;
            }
        }

        return result;
    }
}
