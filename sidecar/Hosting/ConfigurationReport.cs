using System.Globalization;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;
using Tap.Sidecar.Control;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Store;
using Tap.Sidecar.Telemetry;

namespace Tap.Sidecar.Hosting;

/// <summary>
/// What <c>tap config</c> prints: every key of every options class, its effective value (the class's default when
/// no provider sets it) and the provider that set it, the last one winning as in the host.
/// </summary>
internal static class ConfigurationReport
{
    public static IReadOnlyList<ConfigEntry> Describe(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return
        [
            .. Entries<IngestOptions>(configuration, SidecarHost.IngestSection),
            .. Entries<StoreOptions>(configuration, SidecarHost.StoreSection),
            .. Entries<RetentionOptions>(configuration, SidecarHost.StoreSection),
            .. Entries<ControlOptions>(configuration, SidecarHost.ControlSection),
            .. Entries<PricingOptions>(configuration, PricingServices.Section),
            .. Entries<TelemetryOtlpOptions>(configuration, TelemetryServices.Section + ":Otlp"),
            .. Entries<SpanExportOptions>(configuration, TelemetryServices.Section + ":Spans"),
            .. Entries<PrometheusOptions>(configuration, TelemetryServices.Section + ":Prometheus"),
        ];
    }

    /// <summary>
    /// One line for every key under <c>Tap:</c>, in any source, that no options class reads, naming the source and
    /// the nearest valid key: the binder ignores such a key, so a typo would silently leave the default in force.
    /// </summary>
    public static IReadOnlyList<string> UnknownKeys(IConfigurationRoot configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var known = Describe(configuration).Select(entry => entry.Key).ToList();
        var unknown = new List<string>();
        foreach (var (key, value) in configuration.GetSection(Root).AsEnumerable())
        {
            // Sections (null values) are not settings; a value on a section itself (--Tap:Store=1) is one.
            if (value is null || known.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                continue;
            }

            var provider = configuration.Providers.LastOrDefault(p => p.TryGet(key, out _));
            var source = provider is null ? "" : $" (from {Describe(provider, key)})";
            unknown.Add($"Unknown configuration key {key}{source}; did you mean {NearestName.Of(key, known)}?");
        }

        return unknown;
    }

    private const string Root = "Tap";

    private static IEnumerable<ConfigEntry> Entries<T>(IConfigurationRoot configuration, string section)
        where T : new()
    {
        var defaults = new T();
        // A subsection (an options class of its own) is listed by its own keys.
        foreach (var property in typeof(T).GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite && IsValue(p.PropertyType)))
        {
            var key = section + ":" + property.Name;
            var provider = configuration.Providers.LastOrDefault(p => p.TryGet(key, out _));
            string? value = null;
            provider?.TryGet(key, out value);
            // Export headers often hold a backend's API key.
            var shown = value is not null && property.Name == nameof(TelemetryOtlpOptions.Headers) ? "(set, not shown)" : value;
            yield return new ConfigEntry(key, shown ?? Format(property.GetValue(defaults)), provider is null ? "default" : Describe(provider, key));
        }
    }

    private static bool IsValue(Type type) => type == typeof(string) || !type.IsClass;

    private static string Format(object? value) => value switch
    {
        null => "",
        bool flag => flag ? "true" : "false",
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string Describe(IConfigurationProvider provider, string key) => provider switch
    {
        JsonConfigurationProvider json => json.Source.Path + " beside the executable",

        // The variable's name, so the operator can find it: the host reads both TAP_-prefixed and bare variables.
        EnvironmentVariablesConfigurationProvider environment => "env "
            + (environment.ToString().Contains("'TAP_'", StringComparison.Ordinal) ? "TAP_" : "")
            + key.Replace(":", "__", StringComparison.Ordinal),
        // Only an explicit --endpoint/--db or TAP_ENDPOINT/TAP_DB lands here (see ServeCommand.Overrides).
        MemoryConfigurationProvider => key.EndsWith(":Endpoint", StringComparison.Ordinal) ? "--endpoint or TAP_ENDPOINT" : "--db or TAP_DB",
        _ when provider.GetType().Name.StartsWith("CommandLine", StringComparison.Ordinal) => "command line",
        _ => provider.GetType().Name,
    };
}
