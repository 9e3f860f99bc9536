using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tap.Sidecar.Store.Files;

namespace Tap.Sidecar.Store;

/// <summary>
/// Keeps the database bounded: at start and then every <see cref="RetentionOptions.MaintenanceInterval"/>, deletes
/// executions past the retention age, trims the oldest when the files grew past the size limit, and checkpoints
/// the log file into the data file.
/// </summary>
internal sealed class RetentionService(
    IOptions<RetentionOptions> options,
    IOptions<StoreOptions> storeOptions,
    RecordStore store,
    TimeProvider time,
    ILogger<RetentionService> logger) : BackgroundService
{
    /// <summary>The share of executions deleted, oldest first, when the files grew past the size limit.</summary>
    public const double SizeTrimFraction = 0.1;

    private readonly RetentionOptions _options = options.Value;
    private readonly string _path = Path.GetFullPath(storeOptions.Value.DatabasePath);
    private long _sizeAfterLastTrim;

    /// <summary>One maintenance pass; failures are logged, never thrown, so the next pass runs.</summary>
    public MaintenanceResult RunOnce()
    {
        try
        {
            var expired = _options.RetentionDays == 0 ? 0 : store.DeleteStartedBefore(time.GetUtcNow().UtcDateTime.AddDays(-_options.RetentionDays));
            var trimmed = TrimToSize();
            store.Checkpoint();
            var result = new MaintenanceResult(expired, trimmed, DatabaseBytes());
            if (expired + trimmed > 0)
            {
                StoreLog.RetentionApplied(logger, expired, _options.RetentionDays, trimmed, result.DatabaseBytes);
            }

            return result;
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
        do
        {
            RunOnce();
        }
        while (await WaitAsync(timer, stoppingToken));
    }

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
    private long TrimToSize()
    {
        var limit = _options.MaxDatabaseMegabytes * 1024L * 1024L;
        var size = DatabaseBytes();
        if (limit == 0 || size <= limit || size <= _sizeAfterLastTrim)
        {
            return 0;
        }

        var count = store.Count();
        var trim = (int)Math.Max(1, Math.Ceiling(count * SizeTrimFraction));
        var deleted = store.StartOfOldest(trim) is { } cutoff ? store.DeleteStartedBefore(cutoff) : store.DeleteStartedBefore(DateTime.MaxValue);
        store.Checkpoint();
        _sizeAfterLastTrim = DatabaseBytes();
        return deleted;
    }

    private long DatabaseBytes()
    {
        return Length(_path) + Length(DatabasePaths.Log(_path));

        static long Length(string file) => File.Exists(file) ? new FileInfo(file).Length : 0;
    }
}
