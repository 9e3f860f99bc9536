using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;

namespace Tap.Soak.Load;

/// <summary>
/// The outside load: <c>streams</c> concurrent workers, each sending its next streamed request through the gateway as
/// soon as the last one ended, in the four formats, each with a unique <c>x-request-id</c>; a share of the clients
/// really disconnect mid-stream, and a share ask the provider for a transcript that fails. Every request is counted
/// by what the client saw.
/// </summary>
internal sealed class LoadClient(Uri gateway, SoakOptions options, string runId)
{
    /// <summary>The fake provider's header choosing a transcript other than text.sse.</summary>
    public const string FixtureHeader = "x-fixture";

    private readonly ConcurrentQueue<ServedRequest> _served = new();

    public IReadOnlyCollection<ServedRequest> Served => _served;

    public async Task RunAsync(TimeSpan duration)
    {
        // Real disconnects: without MaxResponseDrainSize = 0 the handler would read the rest of an abandoned
        // response to reuse its connection, and the gateway would never see the client leave.
        using var client = new HttpClient(new SocketsHttpHandler { MaxResponseDrainSize = 0, MaxConnectionsPerServer = int.MaxValue })
        {
            BaseAddress = gateway,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, options.Streams).Select(worker => Task.Run(async () =>
        {
            var random = new Random(HashCode.Combine(options.Seed, worker));
            for (var i = 0; clock.Elapsed < duration; i++)
            {
                var format = SoakFormat.All[random.Next(SoakFormat.All.Count)];
                var roll = random.NextDouble();
                var kind = roll < options.AbortShare ? RequestKind.Abort : roll < options.AbortShare + options.FailShare ? RequestKind.UpstreamFailure : RequestKind.Full;
                var requestId = $"soak-{runId}-{worker}-{i}";
                _served.Enqueue(await SendAsync(client, requestId, format, kind, random));
            }
        })));
    }

    private static async Task<ServedRequest> SendAsync(HttpClient client, string requestId, SoakFormat format, RequestKind kind, Random random)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, format.Path) { Content = new StringContent(format.Body, Encoding.UTF8, "application/json") };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        request.Headers.Add("x-request-id", requestId);
        if (kind == RequestKind.UpstreamFailure)
        {
            request.Headers.Add(FixtureHeader, format.FailureFixture);
        }

        var expected = format.Length(kind);

        // Somewhere after the first event and before the last byte: the paced provider sends one event per write.
        var abortAfter = kind == RequestKind.Abort ? random.Next(1, expected) : int.MaxValue;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        ServedRequest Result(ServedOutcome outcome, string? detail = null) => new(requestId, format.Name, kind, outcome, detail);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if ((int)response.StatusCode != 200)
            {
                return Result(ServedOutcome.GatewayError, $"status {(int)response.StatusCode}");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var buffer = new byte[8192];
            var received = 0;
            while (true)
            {
                var read = await body.ReadAsync(buffer, timeout.Token);
                if (read == 0)
                {
                    break;
                }

                received += read;
                if (received >= abortAfter)
                {
                    // Disposing the response closes the connection: the gateway sees its client go.
                    return Result(ServedOutcome.Aborted);
                }
            }

            return received == expected ? Result(ServedOutcome.ReadInFull) : Result(ServedOutcome.GatewayError, $"body of {received} bytes, expected {expected}");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            return Result(ServedOutcome.TransportError, ex.GetType().Name + ": " + ex.Message);
        }
    }
}
