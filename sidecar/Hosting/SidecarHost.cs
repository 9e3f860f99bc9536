using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Control;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Hosting;

/// <summary>Composes the sidecar: pipe listener, outcome decisions and the single store writer, in one generic host.</summary>
internal static class SidecarHost
{
    /// <summary>Configuration keys, also settable as TAP_ environment variables (TAP_Tap__Ingest__Endpoint).</summary>
    public const string IngestSection = "Tap:Ingest";
    public const string StoreSection = "Tap:Store";
    public const string ControlSection = "Tap:Control";

    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("TAP_");
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "tap");
        AddSidecar(builder.Services, builder.Configuration);
        return builder;
    }

    public static void AddSidecar(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestSection));
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreSection));
        services.AddOptions<ControlOptions>().Bind(configuration.GetSection(ControlSection));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new RecordStore(sp.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath));
        services.TryAddSingleton<RecordFactory>();
        services.TryAddSingleton(sp => new RecordWriter(
            sp.GetRequiredService<RecordStore>(),
            sp.GetRequiredService<IOptions<StoreOptions>>().Value,
            sp.GetRequiredService<ILogger<RecordWriter>>(),
            sp.GetRequiredService<TimeProvider>()));

        // Hosted services stop in reverse order: the listener finalizes in-flight executions, then the writer drains.
        services.AddHostedService(sp => sp.GetRequiredService<RecordWriter>());
        services.AddHostedService<PipeListener>();
        services.AddHostedService<ControlListener>();
    }
}
