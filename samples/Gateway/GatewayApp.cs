using Yarp.ReverseProxy.Configuration;

namespace Tap.Samples.Gateway;

/// <summary>
/// A YARP gateway with the Tap shim attached: every request goes to one upstream provider and is reported to
/// the sidecar. The upstream and listen addresses come from the command line; the sidecar's endpoint, like the tap
/// CLI's, from <c>--endpoint</c>, else <c>TAP_ENDPOINT</c>, else <c>Tap:Endpoint</c> (default <c>tap</c>).
/// </summary>
internal static class GatewayApp
{
    /// <summary>The name records show for this gateway unless <c>Tap:GatewayName</c> says otherwise.</summary>
    public const string DefaultGatewayName = "sample-gateway";

    public static WebApplication Create(string[] args, Action<IServiceCollection>? configureServices = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        var upstream = builder.Configuration["upstream"]
            ?? throw new ArgumentException("Give the upstream provider's base address: --upstream http://127.0.0.1:8081");
        builder.WebHost.UseUrls(builder.Configuration["listen"] ?? "http://127.0.0.1:8080");

        var route = new RouteConfig { RouteId = "llm", ClusterId = "provider", Match = new RouteMatch { Path = "{**catch-all}" } };
        var cluster = new ClusterConfig
        {
            ClusterId = "provider",
            Destinations = new Dictionary<string, DestinationConfig> { ["upstream"] = new() { Address = upstream } },
        };
        var proxy = builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);

        // --tap false runs the same gateway without the shim, to compare what clients receive.
        if (builder.Configuration.GetValue("tap", defaultValue: true))
        {
            var endpoint = builder.Configuration["endpoint"] is { Length: > 0 } given ? given
                : Environment.GetEnvironmentVariable("TAP_ENDPOINT") is { Length: > 0 } fromEnvironment ? fromEnvironment
                : null;
            proxy.AddTap(options =>
            {
                options.Endpoint = endpoint ?? options.Endpoint;
                options.GatewayName ??= DefaultGatewayName;
            });
        }

        configureServices?.Invoke(builder.Services);

        var app = builder.Build();
        app.MapReverseProxy();
        return app;
    }
}
