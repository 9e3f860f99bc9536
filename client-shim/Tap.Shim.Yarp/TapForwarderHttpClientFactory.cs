using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace Tap.Shim.Yarp;

/// <summary>YARP's own client factory, with the tap's handler in front of the transport.</summary>
internal sealed class TapForwarderHttpClientFactory(TapClient client, ILogger<ForwarderHttpClientFactory> logger) : ForwarderHttpClientFactory(logger)
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new TapYarpHandler(client) { InnerHandler = base.WrapHandler(context, handler) };
}
