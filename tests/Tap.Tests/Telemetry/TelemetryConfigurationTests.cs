using Microsoft.Extensions.Configuration;
using OpenTelemetry.Exporter;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Telemetry;

namespace Tap.Tests.Telemetry;

/// <summary>Tap:Telemetry and the standard OTEL_EXPORTER_OTLP_* variables (docs/telemetry.md, "Configuration").</summary>
public class TelemetryConfigurationTests
{
    [Test]
    public void Tap_keys_win_over_the_signals_variable_which_wins_over_the_general_one()
    {
        var configuration = Configuration(new()
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://general:4318",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_EXPORTER_OTLP_HEADERS"] = "a=1",
            ["OTEL_EXPORTER_OTLP_TRACES_HEADERS"] = "b=2",
            ["OTEL_EXPORTER_OTLP_TIMEOUT"] = "2500",
        });

        var general = Resolve(new TelemetryOtlpOptions(), configuration);
        var own = Resolve(new TelemetryOtlpOptions(), Configuration(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://general:4318", ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://own:4318/custom", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf" }));
        var tap = Resolve(new TelemetryOtlpOptions { Endpoint = "http://tap:4317", Protocol = "grpc", Headers = "c=3", Timeout = TimeSpan.FromSeconds(3) }, configuration);
        Assert.Multiple(() =>
        {
            // A base address gets the signal's path over HTTP; the signal's own variable is used as it is.
            Assert.That(general, Is.EqualTo(new OtlpSettings(new Uri("http://general:4318/v1/traces"), OtlpExportProtocol.HttpProtobuf, "b=2", 2500)));
            Assert.That(own.Endpoint, Is.EqualTo(new Uri("http://own:4318/custom")));
            Assert.That(tap, Is.EqualTo(new OtlpSettings(new Uri("http://tap:4317"), OtlpExportProtocol.Grpc, "c=3", 3000)));
        });
    }

    [Test]
    public void Spans_are_off_until_an_endpoint_is_configured()
    {
        Assert.Multiple(() =>
        {
            Assert.That(OtlpSettings.IsConfigured(Configuration([]), "TRACES"), Is.False);
            Assert.That(OtlpSettings.IsConfigured(Configuration(new() { ["Tap:Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317" }), "TRACES"), Is.True);
            Assert.That(OtlpSettings.IsConfigured(Configuration(new() { ["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] = "http://127.0.0.1:4318/v1/traces" }), "TRACES"), Is.True);
            Assert.That(OtlpSettings.IsConfigured(Configuration(new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4317", ["OTEL_SDK_DISABLED"] = "true" }), "TRACES"), Is.False);
        });
    }

    [Test]
    public void Wrong_values_are_named_and_a_headers_value_is_never_printed()
    {
        var result = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions
        {
            Otlp = new TelemetryOtlpOptions { Endpoint = "127.0.0.1:4317", Protocol = "http/json", Headers = "secret-key-without-equals" },
            Spans = new SpanExportOptions { MaxBatchSize = 0, MaxBacklog = 0 },
        });

        Assert.That(result.Failures, Is.EquivalentTo(new[]
        {
            "Tap:Telemetry:Otlp:Endpoint must be an absolute http:// or https:// address such as http://127.0.0.1:4317 (is '127.0.0.1:4317').",
            "Tap:Telemetry:Otlp:Protocol must be grpc or http/protobuf (is 'http/json').",
            "Tap:Telemetry:Otlp:Headers must be key=value pairs separated by commas (its value is not shown: it may hold a key).",
            "Tap:Telemetry:Spans:MaxBatchSize must be between 1 and 10000 (is 0).",
            "Tap:Telemetry:Spans:MaxBacklog must be between 1 and 1000000000 (is 0).",
        }));
    }

    [Test]
    public void Telemetry_keys_are_known_to_tap_config()
    {
        var configuration = Configuration(new()
        {
            ["Tap:Telemetry:Otlp:Endpoint"] = "http://127.0.0.1:4317",
            ["Tap:Telemetry:Otlp:Headers"] = "a=1",
            ["Tap:Telemetry:Spans:MaxBacklog"] = "10",
        });

        Assert.Multiple(() =>
        {
            Assert.That(ConfigurationReport.UnknownKeys(configuration), Is.Empty);
            Assert.That(ConfigurationReport.Describe(configuration).Select(e => e.Key), Does.Contain("Tap:Telemetry:Spans:Interval").And.Contain("Tap:Telemetry:Otlp:Protocol"));
        });
    }

    private static OtlpSettings Resolve(TelemetryOtlpOptions options, IConfiguration configuration) => OtlpSettings.Resolve(options, configuration, "TRACES", "v1/traces");

    private static IConfigurationRoot Configuration(Dictionary<string, string?> values) => new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}
