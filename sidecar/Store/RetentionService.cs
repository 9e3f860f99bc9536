using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Store;

/// <summary>
/// Keeps the database bounded: at start and then every <see cref="RetentionOptions.MaintenanceInterval"/>, deletes
/// executions past the retention age, trims the oldest when the files grew past the size limit, and checkpoints
/// the log file into the data file. Each write goes through the record writer, between its batches, so a full disk
/// holds it as it holds records.
/// </summary>
internal sealed class RetentionService(
    IOptions<RetentionOptions> options,
    IOptions<StoreOptions> storeOptions,
    RecordStore store,
    RecordWriter writer,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>The share of executions deleted, oldest first, when the files grew past the size limit.</summary>
    public const double SizeTrimFraction = 0.1;

    private readonly RetentionOptions _options = options.Value;
    private readonly string _path = Path.GetFullPath(storeOptions.Value.DatabasePath);
    private long _sizeAfterLastTrim;

    /// <summary>One maintenance pass; failures are logged, never thrown, so the next pass runs.</summary>
    public async Task<MaintenanceResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var cutoff = time.GetUtcNow().UtcDateTime.AddDays(-_options.RetentionDays);
            var expired = _options.RetentionDays == 0 ? 0 : await writer.WriteAsync("retention", () => store.DeleteStartedBefore(cutoff), cancellationToken);
            var trimmed = await TrimToSizeAsync(cancellationToken);
            await CheckpointAsync(cancellationToken);
            var result = new MaintenanceResult(expired, trimmed, DatabaseBytes());
            if (expired + trimmed > 0)
            {
                StoreLog.RetentionApplied(logger, expired, _options.RetentionDays, trimmed, result.DatabaseBytes);
            }

            return result;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception exception)
        {
            StoreLog.MaintenanceFailed(logger, exception);
            return new MaintenanceResult(0, 0, DatabaseBytes());
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.MaintenanceInterval, time);
        try
        {
            do
            {
                await RunOnceAsync(stoppingToken);
            }
            while (await WaitAsync(timer, stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping while a write waited for the writer: the writer still runs it before it stops.
        }
    }

    private Task<long> CheckpointAsync(CancellationToken cancellationToken) => writer.WriteAsync("checkpoint", () =>
    {
        store.Checkpoint();
        return 0;
    }, cancellationToken);

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    // LiteDB reuses freed pages but never shrinks the file: once trimmed, the file stays at its size while new
    // executions fill the freed pages. Only growth past the size after the last trim means the space ran out again.
    private async Task<long> TrimToSizeAsync(CancellationToken cancellationToken)
    {
        var limit = _options.MaxDatabaseMegabytes * 1024L * 1024L;
        var size = DatabaseBytes();
        if (limit == 0 || size <= limit || size <= _sizeAfterLastTrim)
        {
            return 0;
        }

        // One write: no record committed between the count and the delete moves the cut.
        var deleted = await writer.WriteAsync("size trim", () =>
        {
            var trim = (int)Math.Max(1, Math.Ceiling(store.Count() * SizeTrimFraction));
            return store.DeleteStartedBefore(store.StartOfOldest(trim) ?? DateTime.MaxValue);
        }, cancellationToken);
        await CheckpointAsync(cancellationToken);
        _sizeAfterLastTrim = DatabaseBytes();
        return deleted;
    }

    private long DatabaseBytes()
    {
        return Length(_path) + Length(DatabasePaths.Log(_path));

        static long Length(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;
    }
}
