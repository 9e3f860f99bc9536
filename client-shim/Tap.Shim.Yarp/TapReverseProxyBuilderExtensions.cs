using Microsoft.Extensions.DependencyInjection.Extensions;
using Tap.Shim;
using Tap.Shim.Yarp;
using Yarp.ReverseProxy.Forwarder;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Attaches the Tap shim to YARP.</summary>
public static class TapReverseProxyBuilderExtensions
{
    /// <summary>
    /// Reports every upstream attempt of the routes in <see cref="TapClientOptions.Routes"/> (all routes when
    /// empty) to the Tap sidecar. It uses YARP's HttpClient factory and transforms; a custom
    /// <see cref="IForwarderHttpClientFactory"/> registered before this call is replaced.
    /// </summary>
    public static IReverseProxyBuilder AddTap(this IReverseProxyBuilder builder, Action<TapClientOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTap(configure);
        builder.Services.Replace(ServiceDescriptor.Singleton<IForwarderHttpClientFactory, TapForwarderHttpClientFactory>());
        builder.AddTransforms<TapTransformProvider>();
        return builder;
    }
}
