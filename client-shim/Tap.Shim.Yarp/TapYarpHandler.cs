using Tap.Shim.Capture;

namespace Tap.Shim.Yarp;

/// <summary>
/// Inside YARP's HttpClient: one execution per upstream attempt of a tapped route, with the body reported as
/// YARP reads it. Failures are held back for the completion callback, which knows who ended the exchange.
/// </summary>
internal sealed class TapYarpHandler(TapClient client) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (!request.Options.TryGetValue(TapYarpContext.Key, out var context))
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        context.Attempts++;
        var info = context.Info;
        var (traceParent, traceState) = TraceContext.Of(request.Headers);
        var execution = client.StartExecution(info, context.Attempts, request.RequestUri?.Host, request.RequestUri?.PathAndQuery ?? info.RequestPath, traceParent, traceState);

        // An earlier attempt of the same request is over once YARP moves on to this one.
        context.Tap?.End();
        var drain = client.DrainFor(context.RouteId);
        var upstream = drain is null ? null : new UpstreamCancellation(cancellationToken);
        var tap = new ResponseTap(execution, deferFailures: true, upstream);
        context.Tap = tap;
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, upstream?.Token ?? cancellationToken).ConfigureAwait(false);
            upstream?.Detach();
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            tap.ReadFailed(ex, cancellationToken.IsCancellationRequested);
            throw;
        }

        execution.Response((int)response.StatusCode, ContentHeaders.ContentType(response.Content));
        response.Content = new TapResponseContent(response.Content, tap, drain, context.HttpContext.RequestAborted);
        return response;
    }
}
