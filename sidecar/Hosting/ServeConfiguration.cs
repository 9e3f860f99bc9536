using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Hosting;

/// <summary>
/// The configuration <c>tap serve</c> runs with and every reason it may not (what <c>tap config</c> prints): a
/// configuration file that does not parse, unknown keys under <c>Tap:</c>, invalid values, a database path that is a
/// folder. All are found before the host starts, so a mistake stops it before it touches any file.
/// </summary>
internal sealed class ServeConfiguration : IDisposable
{
    private ServeConfiguration(IHost? host, IReadOnlyList<ConfigEntry> entries, IReadOnlyList<string> failures)
    {
        Host = host;
        Entries = entries;
        Failures = failures;
    }

    /// <summary>The built host; null when the configuration could not even be read.</summary>
    public IHost? Host { get; }

    public IReadOnlyList<ConfigEntry> Entries { get; }

    /// <summary>One line each; empty when <c>tap serve</c> may start.</summary>
    public IReadOnlyList<string> Failures { get; }

    public static ServeConfiguration Load(string[] args, IDictionary<string, string?> overrides, Action<HostApplicationBuilder>? configure = null)
    {
        HostApplicationBuilder builder;
        try
        {
            builder = SidecarHost.CreateBuilder(args, overrides);
        }
        catch (Exception ex) when (ex is InvalidDataException or FormatException)
        {
            // "Failed to load configuration from file '...appsettings.json'." says which file; the innermost says where in it.
            var innermost = ex;
            while (innermost.InnerException is { } inner)
            {
                innermost = inner;
            }

            var detail = ReferenceEquals(innermost, ex) ? "" : " " + innermost.Message;
            return new ServeConfiguration(null, [], [(ex.Message + detail).ReplaceLineEndings(" ")]);
        }

        configure?.Invoke(builder);
        var configuration = (IConfigurationRoot)builder.Configuration;
        var entries = ConfigurationReport.Describe(configuration);
        var host = builder.Build();
        List<string> failures = [.. ConfigurationReport.UnknownKeys(configuration), .. SidecarHost.ValidateOptions(host.Services)];
        if (failures.Count == 0 && host.Services.GetRequiredService<IOptions<StoreOptions>>().Value.DatabasePath is { } path && Directory.Exists(path))
        {
            failures.Add($"Tap:Store:DatabasePath {path} is a folder: give the path of the database file in it (such as {Path.Combine(path, "tap.db")}).");
        }

        return new ServeConfiguration(host, entries, failures);
    }

    public void Dispose() => Host?.Dispose();
}
