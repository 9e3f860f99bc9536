using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Tap.Tests.Streams;
using Tap.Tests.Support;

namespace Tap.Tests.Shim;

/// <summary>IHttpClientBuilder.AddTap(): a gateway that calls providers with HttpClient, against a real Kestrel provider and the real sidecar.</summary>
public class HttpClientHandlerTests
{
    private static readonly byte[] Transcript = FixtureFiles.Read("openai-chat/text.sse");

    [Test]
    public async Task Reading_the_whole_stream_records_completed_with_the_request_id_and_model()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript));

        using var response = await setup.Client.SendAsync(Request("req-1"), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();

        var record = await setup.Sidecar.WaitForRecordAsync("req-1");
        Assert.Multiple(() =>
        {
            Assert.That(body, Is.EqualTo(Transcript));
            Assert.That((record.Status, record.Proof), Is.EqualTo(("completed", "terminal_event")));
            Assert.That((record.RequestedModel, record.Stream, record.Route, record.Attempt), Is.EqualTo(("gpt-4o", true, "openai", 1)));
        });
    }

    [Test]
    public async Task Callers_cancellation_mid_stream_records_canceled()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(100)));
        using var cancel = new CancellationTokenSource();

        using var response = await setup.Client.SendAsync(Request("cancel"), HttpCompletionOption.ResponseHeadersRead);
        var stream = await response.Content.ReadAsStreamAsync();
        var buffer = new byte[1024];
        Assert.That(await stream.ReadAsync(buffer), Is.GreaterThan(0));
        cancel.CancelAfter(50);
        Assert.That(async () => { while (await stream.ReadAsync(buffer, cancel.Token) > 0) { } }, Throws.InstanceOf<OperationCanceledException>());
        response.Dispose();

        var record = await setup.Sidecar.WaitForRecordAsync("cancel");
        Assert.That((record.Status, record.Reason), Is.EqualTo(("canceled", "client_aborted")), record.Explanation);
    }

    [Test]
    public async Task Upstream_reset_while_reading_records_failed_connection_reset()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript).StopBefore("data: [DONE]", ProviderEnding.Reset));

        using var response = await setup.Client.SendAsync(Request("reset"), HttpCompletionOption.ResponseHeadersRead);
        Assert.That(async () => await response.Content.ReadAsByteArrayAsync(), Throws.InstanceOf<HttpRequestException>().Or.InstanceOf<IOException>());

        var record = await setup.Sidecar.WaitForRecordAsync("reset");
        Assert.That((record.Status, record.Reason), Is.EqualTo(("failed", "upstream_error")), record.Explanation);
        Assert.That(record.Signals.Single(s => s.Kind == "upstream_error").ErrorKind, Is.EqualTo("connection_reset"));
    }

    [Test]
    public async Task Error_status_records_the_providers_message_even_when_the_caller_never_reads_the_body()
    {
        var error = FixtureFiles.Read("openai-chat/error-429.json");
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Body(429, error));

        using (var response = await setup.Client.SendAsync(Request("limited"), HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
            Assert.That(await response.Content.ReadAsByteArrayAsync(), Is.EqualTo(error), "the caller still reads the same body");
        }

        using (await setup.Client.SendAsync(Request("limited-unread"), HttpCompletionOption.ResponseHeadersRead))
        {
        }

        var unread = await setup.Sidecar.WaitForRecordAsync("limited-unread");
        Assert.That((unread.Status, unread.Reason), Is.EqualTo(("failed", "upstream_http_error")));
        Assert.That(unread.ErrorMessage, Does.StartWith("Rate limit reached"));
    }

    [Test]
    public async Task Each_retry_is_its_own_execution_sharing_the_request_id_with_its_attempt_number()
    {
        var calls = 0;
        await using var setup = await Setup.StartAsync(
            _ => Interlocked.Increment(ref calls) == 1 ? ProviderResponse.Body(503, """{"error":{"message":"busy"}}"""u8.ToArray()) : ProviderResponse.Streamed(Transcript),
            retryOnce: true);

        using var response = await setup.Client.SendAsync(Request("retried"), HttpCompletionOption.ResponseHeadersRead);
        await response.Content.ReadAsByteArrayAsync();

        var first = await setup.Sidecar.WaitForRecordAsync("retried", attempt: 1);
        var second = await setup.Sidecar.WaitForRecordAsync("retried", attempt: 2);
        Assert.That((first.Status, first.UpstreamStatus, second.Status), Is.EqualTo(("failed", 503, "completed")));
    }

    [Test]
    public async Task Response_disposed_unread_records_canceled_because_the_proxy_stopped_reading()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript, TimeSpan.FromMilliseconds(50)));

        using (await setup.Client.SendAsync(Request("dropped"), HttpCompletionOption.ResponseHeadersRead))
        {
        }

        var record = await setup.Sidecar.WaitForRecordAsync("dropped");
        Assert.That((record.Status, record.Reason, record.Rule), Is.EqualTo(("canceled", "ended_before_upstream_end", 8)), record.Explanation);
    }

    [Test]
    public async Task Traceparent_of_the_outgoing_request_is_recorded_so_the_span_joins_the_gateways_trace()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript));
        using var request = Request("traced-header");
        request.Headers.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        request.Headers.Add("tracestate", "congo=t61rcWkgMzE");

        using var response = await setup.Client.SendAsync(request);

        var record = await setup.Sidecar.WaitForRecordAsync("traced-header");
        Assert.That((record.TraceParent, record.TraceState), Is.EqualTo(("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "congo=t61rcWkgMzE")));
    }

    [Test]
    public async Task Without_a_traceparent_header_the_current_activity_is_the_parent()
    {
        await using var setup = await Setup.StartAsync(_ => ProviderResponse.Streamed(Transcript));
        using var gatewaySpan = new System.Diagnostics.Activity("gateway request").SetIdFormat(System.Diagnostics.ActivityIdFormat.W3C).Start();
        gatewaySpan.TraceStateString = "vendor=1";

        using (var response = await setup.Client.SendAsync(Request("traced-activity")))
        {
            gatewaySpan.Stop();
        }

        var record = await setup.Sidecar.WaitForRecordAsync("traced-activity");
        Assert.That((record.TraceParent, record.TraceState), Is.EqualTo((gatewaySpan.Id, "vendor=1")));
    }

    private static HttpRequestMessage Request(string requestId)
    {
        var request = StreamingClient.Post("/v1/chat/completions", """{"model":"gpt-4o","stream":true,"messages":[]}""", requestId);
        return request;
    }

    /// <summary>The provider, the sidecar, and a DI container with a named HttpClient that has the tap attached.</summary>
    private sealed class Setup : IAsyncDisposable
    {
        private readonly ServiceProvider _services;

        private Setup(FakeProvider provider, SidecarProcess sidecar, ServiceProvider services)
        {
            Provider = provider;
            Sidecar = sidecar;
            _services = services;
            Client = services.GetRequiredService<IHttpClientFactory>().CreateClient("openai");
            Client.BaseAddress = provider.BaseAddress;
        }

        public FakeProvider Provider { get; }

        public SidecarProcess Sidecar { get; }

        public HttpClient Client { get; }

        public static async Task<Setup> StartAsync(Func<Microsoft.AspNetCore.Http.HttpRequest, ProviderResponse> respond, bool retryOnce = false)
        {
            var provider = await FakeProvider.StartAsync(respond);
            var sidecar = await SidecarProcess.StartAsync();
            var services = new ServiceCollection();
            services.AddTap(o => o.Endpoint = sidecar.PipeName);
            var client = services.AddHttpClient("openai");
            if (retryOnce)
            {
                client.AddHttpMessageHandler(() => new RetryOnceOnServerError());
            }

            client.AddTap().ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { MaxResponseDrainSize = 0 });
            var provider2 = services.BuildServiceProvider();
            var tap = provider2.GetRequiredService<Tap.Shim.TapClient>();
            await Eventually.TrueAsync(() => tap.IsConnected, "the shim connects");
            return new Setup(provider, sidecar, provider2);
        }

        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await _services.DisposeAsync();
            await Sidecar.DisposeAsync();
            await Provider.DisposeAsync();
        }
    }

    /// <summary>A resilience handler in front of the tap: it sends the same request message again after a 5xx.</summary>
    private sealed class RetryOnceOnServerError : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if ((int)response.StatusCode < 500)
            {
                return response;
            }

            response.Dispose();
            return await base.SendAsync(request, cancellationToken);
        }
    }
}
