using Microsoft.Extensions.Options;
using Tap.Shim.AspNetCore;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Tap.Shim.Yarp;

/// <summary>
/// Marks each request of a tapped route for the handler, and completes its execution when the response is
/// over: only then does YARP's error feature say whether the client left or the upstream failed.
/// </summary>
internal sealed class TapTransformProvider(IOptions<TapClientOptions> options) : ITransformProvider
{
    private readonly TapClientOptions _options = options.Value;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        var routeId = context.Route.RouteId;
        if (!_options.Taps(routeId))
        {
            return;
        }

        context.AddRequestTransform(async transform =>
        {
            var http = transform.HttpContext;
            var tapContext = new TapYarpContext(http, routeId, await IncomingRequests.DescribeAsync(http, _options, routeId).ConfigureAwait(false));
            transform.ProxyRequest.Options.Set(TapYarpContext.Key, tapContext);
            http.Response.OnCompleted(static state =>
            {
                Complete((TapYarpContext)state);
                return Task.CompletedTask;
            }, tapContext);
        });
    }

    private static void Complete(TapYarpContext context)
    {
        if (context.Tap is not { } tap)
        {
            return;
        }

        var http = context.HttpContext;
        var error = http.Features.Get<IForwarderErrorFeature>();
        var clientAborted = error?.Error switch
        {
            ForwarderError.RequestBodyClient or ForwarderError.ResponseBodyClient or ForwarderError.UpgradeRequestClient or ForwarderError.UpgradeResponseClient => true,

            // Canceled is either the client leaving or YARP's activity timeout; RequestAborted tells which.
            ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled or ForwarderError.UpgradeRequestCanceled or ForwarderError.UpgradeResponseCanceled
                => http.RequestAborted.IsCancellationRequested,
            ForwarderError.None or null => http.RequestAborted.IsCancellationRequested && !tap.UpstreamEnded,
            _ => false,
        };
        var failure = error?.Exception ?? (error is { Error: not ForwarderError.None } ? new IOException($"YARP reported {error.Error}.") : null);
        if (failure is null && error is { Error: ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.ResponseBodyCanceled } && !clientAborted)
        {
            failure = new TimeoutException("YARP's activity timeout canceled the exchange.");
        }

        tap.Complete(failure, clientAborted);
    }
}
