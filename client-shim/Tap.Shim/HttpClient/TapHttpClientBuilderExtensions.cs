using Microsoft.Extensions.Options;
using Tap.Shim;
using Tap.Shim.HttpClient;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Taps the responses of a named or typed HttpClient.</summary>
public static class TapHttpClientBuilderExtensions
{
    /// <summary>
    /// Reports every request this client sends upstream to the Tap sidecar. The client's name is the route
    /// that <see cref="TapClientOptions.Routes"/> filters on.
    /// </summary>
    public static IHttpClientBuilder AddTap(this IHttpClientBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddTap();
        return builder.AddHttpMessageHandler(sp => new TapHttpMessageHandler(
            sp.GetRequiredService<TapClient>(), sp.GetRequiredService<IOptions<TapClientOptions>>().Value, builder.Name));
    }
}
