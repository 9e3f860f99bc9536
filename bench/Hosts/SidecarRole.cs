using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Store;

namespace Tap.Benchmarks.Hosts;

/// <summary>
/// The real sidecar host (pipe listener, outcome engine, LiteDB writer), configured as <c>tap serve</c> would be.
/// With <c>--store none</c> its record writer commits to nowhere, which leaves the ingest's own cost;
/// <c>--batch N</c> sets <c>Tap:Store:MaxBatchSize</c>; <c>--otlp URL</c> turns span export on, over OTLP/HTTP to URL;
/// <c>--metrics PORT</c> serves the Prometheus scrape on 127.0.0.1:PORT.
/// </summary>
internal sealed class SidecarRole(IHost host) : IRole
{
    public string ReadyPayload => "";

    public static async Task<SidecarRole> StartAsync(RoleArgs args)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Tap:Ingest:Endpoint"] = args["pipe"],
            ["Tap:Store:DatabasePath"] = args["db"],
            ["Logging:LogLevel:Default"] = "Warning",
            ["Tap:Store:MaxBatchSize"] = args.Get("batch") ?? new StoreOptions().MaxBatchSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        if (args.Get("otlp") is { } otlp)
        {
            settings["Tap:Telemetry:Otlp:Endpoint"] = otlp;
            settings["Tap:Telemetry:Otlp:Protocol"] = "http/protobuf";
        }

        if (args.Get("metrics") is { } port)
        {
            settings["Tap:Telemetry:Prometheus:Endpoint"] = $"127.0.0.1:{port}/metrics";
        }

        var builder = SidecarHost.CreateBuilder([], settings);
        if (args.Get("store") == "none")
        {
            // Registered after the sidecar's own writer, so this one is resolved by the listener and the host.
            builder.Services.AddSingleton(sp => new RecordWriter(
                _ => { }, new StoreOptions(), sp.GetRequiredService<ILogger<RecordWriter>>(), TimeProvider.System));
        }

        var host = builder.Build();
        await host.StartAsync();
        return new SidecarRole(host);
    }

    /// <summary><c>recorded</c>: records committed and dropped by the store's writer; <c>exported</c>: spans the collector accepted; <c>gc</c>: collections of each generation, their pauses in ms and the bytes allocated so far; <c>jit</c>: methods compiled and the time spent compiling, in ms; <c>io</c>: bytes and calls written so far.</summary>
    public Task<string> AnswerAsync(string command)
    {
        var writer = host.Services.GetRequiredService<RecordWriter>();
        return Task.FromResult(command switch
        {
            "recorded" => $"{writer.Recorded} {writer.Dropped}",
            "exported" => (host.Services.GetServices<IHostedService>().OfType<Tap.Sidecar.Telemetry.SpanExportService>().SingleOrDefault()?.Exported ?? 0)
                .ToString(System.Globalization.CultureInfo.InvariantCulture),
            "gc" => FormattableString.Invariant($"{GC.CollectionCount(0)} {GC.CollectionCount(1)} {GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:0} {GC.GetTotalAllocatedBytes()}"),
            "io" => ProcessIo(),
            "jit" => FormattableString.Invariant($"{System.Runtime.JitInfo.GetCompiledMethodCount()} {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:0}"),
            _ => "unknown command",
        });
    }

    // Bytes and calls of write(2) and its kin, and syncs are not counted there: what the store asks of the disk (Linux only).
    private static string ProcessIo()
    {
        var io = File.ReadAllLines("/proc/self/io").Select(l => l.Split(':', 2)).ToDictionary(p => p[0], p => p[1].Trim());
        return $"{io["wchar"]} {io["syscw"]}";
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
