using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

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

    /// <summary>The running sidecar's own store: records are read in-process, without a second open of the file.</summary>
    public RecordStore Records => _host.Services.GetRequiredService<RecordStore>();

    /// <summary>Waits until at least <paramref name="count"/> executions are recorded; newest first.</summary>
    public async Task<IReadOnlyList<ExecutionRecord>> WaitForRecordsAsync(int count, TimeSpan? timeout = null)
    {
        IReadOnlyList<ExecutionRecord> records = [];
        await Eventually.TrueAsync(() => (records = Records.Query(new RecordQuery { Limit = 10_000 })).Count >= count, $"{count} executions are recorded", timeout ?? TimeSpan.FromSeconds(20));
        return records;
    }

    /// <summary>Waits until the execution with this request id (and attempt) is recorded.</summary>
    public async Task<ExecutionRecord> WaitForRecordAsync(string requestId, int attempt = 1, TimeSpan? timeout = null)
    {
        ExecutionRecord? record = null;
        await Eventually.TrueAsync(
            () => (record = Records.Query(new RecordQuery { RequestId = requestId, Limit = 100 }).FirstOrDefault(r => r.Attempt == attempt)) is not null,
            $"request {requestId} is recorded",
            timeout ?? TimeSpan.FromSeconds(20));
        return record!;
    }

    /// <param name="configure">Runs after the sidecar's own registrations, so a test can replace one of its parts.</param>
    public static async Task<SidecarProcess> StartAsync(string? pipeName = null, string? databasePath = null, IReadOnlyDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
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
        configure?.Invoke(builder.Services);
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
