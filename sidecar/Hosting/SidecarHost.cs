using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Control;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Store;
using Tap.Sidecar.Store.Files;
using Tap.Sidecar.Telemetry;
using Tap.Sidecar.Telemetry.Metrics;

namespace Tap.Sidecar.Hosting;

/// <summary>Composes the sidecar: pipe listener, outcome decisions and the single store writer, in one generic host.</summary>
internal static class SidecarHost
{
    /// <summary>Configuration keys, also settable as TAP_ environment variables (TAP_Tap__Ingest__Endpoint).</summary>
    public const string IngestSection = "Tap:Ingest";
    public const string StoreSection = "Tap:Store";
    public const string ControlSection = "Tap:Control";

    /// <summary>How long a stop may take: listeners finalize in-flight executions, then the writer drains. Service managers must wait longer.</summary>
    public static TimeSpan ShutdownTimeout { get; } = TimeSpan.FromSeconds(30);

    public static HostApplicationBuilder CreateBuilder(string[] args, IDictionary<string, string?>? overrides = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.AddEnvironmentVariables("TAP_");
        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = ShutdownTimeout);
        builder.Services.AddSystemd();
        builder.Services.AddWindowsService(o => o.ServiceName = "tap");
        AddSidecar(builder.Services, builder.Configuration);
        return builder;
    }

    /// <summary>Every configuration error of every options class (empty when valid): what ValidateOnStart would throw, all at once.</summary>
    public static IReadOnlyList<string> ValidateOptions(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var failures = new List<string>();
        void Check<T>()
            where T : class
        {
            try
            {
                _ = services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException invalid)
            {
                failures.AddRange(invalid.Failures);
            }
            catch (InvalidOperationException unbindable)
            {
                // The binder could not convert a value ("abc" for a number): its message names the key.
                failures.Add(unbindable.Message);
            }
        }

        Check<IngestOptions>();
        Check<StoreOptions>();
        Check<RetentionOptions>();
        Check<ControlOptions>();
        Check<PricingOptions>();
        Check<TelemetryOptions>();

        // Store and retention options bind the same section: a value neither can convert is one mistake, said once.
        return [.. failures.Distinct()];
    }

    /// <summary>
    /// Takes the database's lock and opens it, before anything listens: a taken endpoint, a second writer, or a file
    /// that is not a sound database, stops the start here with nothing touched or created.
    /// </summary>
    /// <exception cref="EndpointInUseException">Another process listens on the endpoint.</exception>
    /// <exception cref="IOException">Another process listens on the Prometheus scrape port.</exception>
    /// <exception cref="DatabaseRefusedException">Another writer holds the database, or it is damaged or foreign.</exception>
    public static void ClaimDatabase(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        EndpointGuard.ThrowIfTaken(services.GetRequiredService<IOptions<IngestOptions>>().Value.Endpoint);
        PrometheusEndpoint.ThrowIfTaken(services.GetRequiredService<IOptions<TelemetryOptions>>().Value.Prometheus);
        _ = services.GetRequiredService<RecordStore>();
    }

    private static RecordStore OpenStore(IServiceProvider services)
    {
        var path = services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath;

        // Refused before the lock, so not even a lock file appears beside a file that is not a database.
        if (DatabaseHeader.Inspect(path) is { State: DatabaseHeader.State.Foreign or DatabaseHeader.State.Damaged, Reason: { } reason })
        {
            throw new DatabaseRefusedException(DatabaseRefusal.Unusable, reason);
        }

        _ = services.GetRequiredService<DatabaseLock>();
        var store = new RecordStore(path);
        if (OwnerOnly.IsWorldReadable(path))
        {
            StoreLog.DatabaseWorldReadable(services.GetRequiredService<ILoggerFactory>().CreateLogger<RecordStore>(), Path.GetFullPath(path));
        }

        return store;
    }

    public static void AddSidecar(IServiceCollection services, IConfiguration configuration)
    {
        // One options class per concern, each checked once at start: a wrong key stops tap serve with its name.
        services.AddOptions<IngestOptions>().Bind(configuration.GetSection(IngestSection)).ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreSection)).ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection(StoreSection)).ValidateOnStart();
        services.AddOptions<ControlOptions>().Bind(configuration.GetSection(ControlSection)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IngestOptions>, IngestOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RetentionOptions>, RetentionOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ControlOptions>, ControlOptionsValidator>());
        PricingServices.Add(services, configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => DatabaseLock.Acquire(sp.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath));
        services.TryAddSingleton(OpenStore);
        services.TryAddSingleton<RecordFactory>();
        services.TryAddSingleton<ExecutionRecorder>();
        services.TryAddSingleton(sp => new OrphanRegistry(sp.GetRequiredService<IOptions<IngestOptions>>().Value.ResumeGracePeriod, sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<ExecutionOwnership>();
        services.TryAddSingleton(sp => new RecordWriter(
            sp.GetRequiredService<RecordStore>(),
            sp.GetRequiredService<IOptions<StoreOptions>>().Value,
            sp.GetRequiredService<ILogger<RecordWriter>>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetServices<ICommitObserver>()));

        // First, so that a taken scrape port stops the start before the pipe listens.
        services.AddTapMetrics(configuration);

        // Hosted services stop in reverse order: the listener finalizes in-flight executions, then the writer drains.
        services.AddHostedService(sp => sp.GetRequiredService<RecordWriter>());
        services.AddHostedService<PipeListener>();
        services.AddHostedService<ControlListener>();
        services.AddHostedService<RetentionService>();

        // Last, so it stops first: its cursor is saved through the record writer.
        TelemetryServices.Add(services, configuration);
    }
}
