using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Hosting;

namespace Tap.Tests.Support;

/// <summary>The real sidecar host (pipe listener, outcome engine, LiteDB writer) on a unique pipe and a temp database.</summary>
internal sealed class SidecarProcess : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly TempFolder? _folder;
    private bool _stopped;

    private SidecarProcess(IHost host, string pipeName, string databasePath, TempFolder? folder)
    {
        _host = host;
        _folder = folder;
        PipeName = pipeName;
        DatabasePath = databasePath;
    }

    public string PipeName { get; }

    public string DatabasePath { get; }

    public IServiceProvider Services => _host.Services;

    public static async Task<SidecarProcess> StartAsync(string? pipeName = null, string? databasePath = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        pipeName ??= TestEndpoints.UniquePipeName();
        var folder = databasePath is null ? new TempFolder() : null;
        databasePath ??= folder!.File("tap.db");
        var configuration = new Dictionary<string, string?>
        {
            ["Tap:Ingest:Endpoint"] = pipeName,
            ["Tap:Store:DatabasePath"] = databasePath,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            configuration[key] = value;
        }

        var builder = SidecarHost.CreateBuilder([], configuration);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return new SidecarProcess(host, pipeName, databasePath, folder);
    }

    /// <summary>Stops the host as SIGTERM would: in-flight executions are finalized and the store is flushed.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await _host.StopAsync().WaitAsync(TimeSpan.FromSeconds(30));
        _host.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _folder?.Dispose();
    }
}
