using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Telemetry;

/// <summary>Registers <c>Tap:Telemetry</c> and, when an OTLP endpoint is configured, the span export (docs/telemetry.md).</summary>
internal static class TelemetryServices
{
    public const string Section = "Tap:Telemetry";

    /// <summary>The service name when <c>OTEL_SERVICE_NAME</c> gives none.</summary>
    public const string DefaultServiceName = "tap";

    public static void Add(IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<TelemetryOptions>().Bind(configuration.GetSection(Section)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TelemetryOptions>, TelemetryOptionsValidator>());
        if (!SpansEnabled(configuration))
        {
            return;
        }

        services.TryAddSingleton<ExecutionSpans>();

        // Room for a few store batches and export pages: more means the export has fallen behind and reads the database.
        services.TryAddSingleton(sp => new CommittedRecords(
            Math.Max(2 * sp.GetRequiredService<IOptions<StoreOptions>>().Value.MaxBatchSize, 4 * sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.Spans.MaxBatchSize),
            sp.GetRequiredService<RecordStore>().LastCommit));
        services.AddSingleton<ICommitObserver>(sp => sp.GetRequiredService<CommittedRecords>());
        services.TryAddSingleton(sp => new SpanExportProcessor(
            OtlpSettings.Resolve(sp.GetRequiredService<IOptions<TelemetryOptions>>().Value.Otlp, configuration, "TRACES", "v1/traces")));

        // The provider listens to Tap's own source only, and samples every span: each one stands for a record.
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName(configuration), serviceVersion: ServiceVersion))
            .WithTracing(tracing => tracing
                .AddSource(ExecutionSpans.SourceName)
                .SetSampler(new AlwaysOnSampler())
                .AddProcessor(sp => sp.GetRequiredService<SpanExportProcessor>()));
        services.AddHostedService<SpanExportService>();
    }

    /// <summary><c>service.name</c> of the spans and the metrics: <c>OTEL_SERVICE_NAME</c>, else <see cref="DefaultServiceName"/>.</summary>
    public static string ServiceName(IConfiguration configuration) =>
        configuration["OTEL_SERVICE_NAME"] is { Length: > 0 } name ? name : DefaultServiceName;

    public static string? ServiceVersion { get; } = typeof(TelemetryServices).Assembly.GetName().Version?.ToString(3);

    // Raw values, read before the options are bound and validated: reading them never throws.
    private static bool SpansEnabled(IConfiguration configuration) =>
        OtlpSettings.IsConfigured(configuration, "TRACES")
        && !string.Equals(configuration[Section + ":Spans:Enabled"], "false", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(configuration["OTEL_TRACES_EXPORTER"], "none", StringComparison.OrdinalIgnoreCase);
}
