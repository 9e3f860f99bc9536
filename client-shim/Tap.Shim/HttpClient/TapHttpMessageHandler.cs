using Tap.Shim.Capture;

namespace Tap.Shim.HttpClient;

/// <summary>
/// Reports every upstream attempt made through an HttpClient: the response head, the body as it is read, and
/// how it ended. Each SendAsync is one execution; retries of the same request message share its request id
/// and count up the attempt number.
/// </summary>
internal sealed class TapHttpMessageHandler(TapClient client, TapClientOptions options, string? route) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<string> RequestIdKey = new("Tap.RequestId");
    private static readonly HttpRequestOptionsKey<int> AttemptKey = new("Tap.Attempt");

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!options.Taps(route))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var execution = client.StartExecution(await DescribeAsync(request, cancellationToken).ConfigureAwait(false));
        var drain = client.DrainFor(route);
        var upstream = drain is null ? null : new UpstreamCancellation(cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, upstream?.Token ?? cancellationToken).ConfigureAwait(false);
            upstream?.Detach();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                execution.ClientAborted();
            }
            else
            {
                // A cancellation nobody asked for is HttpClient's own timeout.
                execution.UpstreamError(ex is OperationCanceledException ? TapUpstreamErrorKind.Timeout : UpstreamErrors.Classify(ex), ex.Message);
            }

            execution.End();
            upstream?.Dispose();
            throw;
        }

        execution.Response((int)response.StatusCode, response.Content.Headers.ContentType?.ToString());
        var tap = new ResponseTap(execution, deferFailures: false, upstream);
        response.Content = (int)response.StatusCode >= 400
            ? await PrefetchedContent.ReadAsync(response.Content, tap, cancellationToken).ConfigureAwait(false)
            : new TapResponseContent(response.Content, tap, drain);
        return response;
    }

    private async Task<TapExecutionInfo> DescribeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(RequestIdKey, out var requestId))
        {
            requestId = request.Headers.TryGetValues(options.RequestIdHeader, out var values) ? values.FirstOrDefault() : null;
            requestId ??= Guid.NewGuid().ToString("N");
            request.Options.Set(RequestIdKey, requestId);
        }

        var attempt = request.Options.TryGetValue(AttemptKey, out var previous) ? previous + 1 : 1;
        request.Options.Set(AttemptKey, attempt);

        var body = await BufferedBodyAsync(request.Content, cancellationToken).ConfigureAwait(false);
        var path = request.RequestUri?.PathAndQuery;
        var (model, stream) = RequestInspector.Inspect(body.Span, path);
        var (traceParent, traceState) = TraceContext.Of(request.Headers);
        return new TapExecutionInfo
        {
            TraceParent = traceParent,
            TraceState = traceState,
            RequestId = requestId,
            Attempt = attempt,
            Route = route,
            Provider = request.RequestUri?.Host,
            RequestedModel = model,
            Stream = stream ?? false,
            RequestPath = path,
            RequestBody = body,
        };
    }

    /// <summary>Only bodies that are already in memory, or small and of known length: inspecting must never change how the request streams.</summary>
    private async Task<ReadOnlyMemory<byte>> BufferedBodyAsync(HttpContent? content, CancellationToken cancellationToken)
    {
        if (content is ByteArrayContent or ReadOnlyMemoryContent || content?.Headers.ContentLength is > 0 and <= 1024 * 1024 && options.ForwardRequestBodies)
        {
            return await content!.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        }

        return ReadOnlyMemory<byte>.Empty;
    }
}
