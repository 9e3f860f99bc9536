using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// Where and how one signal is exported, from <c>Tap:Telemetry:Otlp</c> and the OpenTelemetry variables
/// (https://opentelemetry.io/docs/specs/otel/protocol/exporter/): a <c>Tap:Telemetry:Otlp</c> key wins, then the signal's
/// own variable (<c>OTEL_EXPORTER_OTLP_TRACES_ENDPOINT</c>, used as it is), then the general one
/// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, a base address to which HTTP appends the signal's path).
/// </summary>
internal sealed record OtlpSettings(Uri Endpoint, OtlpExportProtocol Protocol, string? Headers, int TimeoutMilliseconds)
{
    private const string Prefix = "OTEL_EXPORTER_OTLP_";

    /// <summary>Whether an endpoint is configured for <paramref name="signal"/> (<c>TRACES</c>, <c>METRICS</c>) at all; reads raw values, never throws.</summary>
    public static bool IsConfigured(IConfiguration configuration, string signal)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        if (string.Equals(configuration["OTEL_SDK_DISABLED"], "true", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return !string.IsNullOrWhiteSpace(configuration[TelemetryServices.Section + ":Otlp:Endpoint"])
            || !string.IsNullOrWhiteSpace(configuration[Prefix + signal + "_ENDPOINT"])
            || !string.IsNullOrWhiteSpace(configuration[Prefix + "ENDPOINT"]);
    }

    /// <param name="signal"><c>TRACES</c> or <c>METRICS</c>, as in the variables' names.</param>
    /// <param name="path">The HTTP path of the signal, such as <c>v1/traces</c>.</param>
    public static OtlpSettings Resolve(TelemetryOtlpOptions options, IConfiguration configuration, string signal, string path)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        string? Variable(string key) => configuration[Prefix + signal + "_" + key] is { Length: > 0 } own ? own : configuration[Prefix + key] is { Length: > 0 } general ? general : null;

        var protocol = ParseProtocol(options.Protocol ?? Variable("PROTOCOL") ?? "grpc") ?? OtlpExportProtocol.Grpc;
        var (endpoint, isBase) = options.Endpoint is { Length: > 0 } configured
            ? (configured, true)
            : configuration[Prefix + signal + "_ENDPOINT"] is { Length: > 0 } own
                ? (own, false)
                : (configuration[Prefix + "ENDPOINT"] ?? (protocol == OtlpExportProtocol.Grpc ? "http://localhost:4317" : "http://localhost:4318"), true);
        if (isBase && protocol == OtlpExportProtocol.HttpProtobuf)
        {
            endpoint = endpoint.TrimEnd('/') + "/" + path;
        }

        var timeout = options.Timeout is { } span ? (int)span.TotalMilliseconds
            : int.TryParse(Variable("TIMEOUT"), out var millis) && millis > 0 ? millis : 10_000;
        return new OtlpSettings(new Uri(endpoint, UriKind.Absolute), protocol, options.Headers ?? Variable("HEADERS"), timeout);
    }

    /// <summary>Options for the official exporter; its own defaults (compression, certificates) still come from the variables.</summary>
    public OtlpExporterOptions ToExporterOptions() => new()
    {
        Endpoint = Endpoint,
        Protocol = Protocol,
        Headers = Headers,
        TimeoutMilliseconds = TimeoutMilliseconds,
    };

    public static OtlpExportProtocol? ParseProtocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => null,
    };

    public static bool IsEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    // The exporter's own format (W3C baggage-like): key=value pairs, commas between them.
    public static bool AreHeaders(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries).All(pair => pair.IndexOf('=', StringComparison.Ordinal) > 0);
}
