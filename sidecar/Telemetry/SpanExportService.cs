using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Telemetry;

/// <summary>
/// Exports a span for every committed record, in commit order, from a cursor kept in the database: the record path never
/// waits on it (it takes what the writer has committed, as the writer hands it over or else from the database), a collector that is away gets everything when it is back (the
/// cursor moves, durably through the record writer, only once the exporter reports success), and a backlog over
/// <see cref="SpanExportOptions.MaxBacklog"/> is skipped, counted and logged. The cursor is saved at most once every
/// <see cref="CursorSaveInterval"/>, and at a stop: a crash sends what was exported since its last save
/// again (at least once); a collector that was only down, or a sidecar stopped and started, gets each span exactly once.
/// </summary>
internal sealed class SpanExportService : BackgroundService
{
    /// <summary>The cursor's name in the database.</summary>
    public const string CursorName = "spans";

    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>How often the cursor is saved while the export has not caught up: a crash sends at most this much again.</summary>
    public static readonly TimeSpan CursorSaveInterval = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan StopSaveTimeout = TimeSpan.FromSeconds(5);

    // Waiting this long for a commit the store has counted but not yet handed over reads it from the database instead.
    private static readonly TimeSpan HandOverWait = TimeSpan.FromMilliseconds(50);

    private readonly RecordStore _store;
    private readonly CommittedRecords _committed;
    private readonly RecordWriter _writer;
    private readonly SpanExportProcessor _processor;
    private readonly ExecutionSpans _spans;
    private readonly SpanExportOptions _options;
    private readonly ILogger<SpanExportService> _logger;
    private readonly TimeProvider _time;
    private long _exported;
    private long _failedAttempts;
    private long _skipped;

    // The tracer provider is taken so that it is built, and has given the exporter its resource, before the first export.
    public SpanExportService(
        RecordStore store,
        CommittedRecords committed,
        RecordWriter writer,
        TracerProvider tracerProvider,
        SpanExportProcessor processor,
        ExecutionSpans spans,
        IOptions<TelemetryOptions> options,
        ILogger<SpanExportService> logger,
        TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(tracerProvider);
        ArgumentNullException.ThrowIfNull(options);
        _store = store;
        _committed = committed;
        _writer = writer;
        _processor = processor;
        _spans = spans;
        _options = options.Value.Spans;
        _logger = logger;
        _time = time;
    }

    /// <summary>Spans the collector accepted.</summary>
    public long Exported => Interlocked.Read(ref _exported);

    /// <summary>Export attempts that failed; each batch is sent again.</summary>
    public long FailedAttempts => Interlocked.Read(ref _failedAttempts);

    /// <summary>Committed records never exported because the backlog was over its bound.</summary>
    public long Skipped => Interlocked.Read(ref _skipped);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var position = new Position();
        try
        {
            await RunAsync(position, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (InvalidOperationException) when (stoppingToken.IsCancellationRequested)
        {
            // The record writer stopped first: the cursor stays where its last save left it.
            return;
        }

        await SaveAtStopAsync(position);
    }

    private async Task RunAsync(Position position, CancellationToken stoppingToken)
    {
        // A first start exports from the records committed from now on, not the database's history.
        var cursor = _store.ReadCursor(CursorName) ?? await SaveCursorAsync(_store.LastCommit, stoppingToken);
        position.Exported = position.Saved = cursor;
        TelemetryLog.SpanExportStarted(_logger, _processor.Settings.Protocol, _processor.Settings.Endpoint, cursor);
        var delay = FirstRetryDelay;
        long failures = 0;
        var waitedForHandOver = false;
        var lastSave = _time.GetTimestamp();
        while (!stoppingToken.IsCancellationRequested)
        {
            // At most once a CursorSaveInterval: each save is a durable commit on the record writer's thread, between the
            // records' own, so it is not made per page.
            if (position.Exported != position.Saved && _time.GetElapsedTime(lastSave) >= CursorSaveInterval)
            {
                position.Saved = await SaveCursorAsync(position.Exported, stoppingToken);
                lastSave = _time.GetTimestamp();
            }

            var last = _store.LastCommit;
            if (last <= cursor)
            {
                await _committed.WaitAsync(_options.Interval, _time, stoppingToken);
                continue;
            }

            // Committed a moment ago and about to be handed over (the store counts a commit before the writer tells).
            if (cursor >= _committed.Newest && !waitedForHandOver)
            {
                waitedForHandOver = true;
                await _committed.WaitAsync(HandOverWait, _time, stoppingToken);
                continue;
            }

            waitedForHandOver = false;

            if (last - cursor > _options.MaxBacklog)
            {
                var skipped = last - cursor - _options.MaxBacklog;
                cursor += skipped;
                TelemetryLog.SpanBacklogSkipped(_logger, skipped, _options.MaxBacklog, Interlocked.Add(ref _skipped, skipped));
            }

            bool exported;
            IReadOnlyList<ExecutionRecord> batch = [];
            try
            {
                batch = _committed.After(cursor, _options.MaxBatchSize) is { Count: > 0 } kept ? kept : _store.CommittedAfter(cursor, _options.MaxBatchSize);
                exported = batch.Count == 0 || Export(batch) == ExportResult.Success;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A store that a full disk closed, say: the records are still there once it reopens.
                TelemetryLog.SpanExportError(_logger, ex, delay);
                exported = false;
            }

            if (exported)
            {
                // No records after the cursor although commits were made: retention deleted them.
                cursor = position.Exported = batch.Count == 0 ? last : batch[^1].Commit;
                Interlocked.Add(ref _exported, batch.Count);
                if (failures > 0)
                {
                    TelemetryLog.SpanExportResumed(_logger, _processor.Settings.Endpoint, failures);
                }

                failures = 0;
                delay = FirstRetryDelay;
                continue;
            }

            failures++;
            Interlocked.Increment(ref _failedAttempts);
            TelemetryLog.SpanExportFailed(_logger, batch.Count, _processor.Settings.Endpoint, failures, delay);
            await Task.Delay(delay, _time, stoppingToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxRetryDelay.Ticks));
        }
    }

    // A stop saves what was exported since the last save, so that a restarted sidecar sends none of it again; the record
    // writer stops after this service, and a writer that cannot save in time leaves the older cursor (sent again).
    private async Task SaveAtStopAsync(Position position)
    {
        if (position.Exported == position.Saved)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(StopSaveTimeout, _time);
        try
        {
            await SaveCursorAsync(position.Exported, timeout.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            TelemetryLog.SpanCursorNotSavedAtStop(_logger, position.Saved, position.Exported);
        }
    }

    private ExportResult Export(IReadOnlyList<ExecutionRecord> batch)
    {
        var spans = new Activity[batch.Count];
        var count = 0;
        try
        {
            foreach (var record in batch)
            {
                if (_spans.Create(record) is { } span)
                {
                    spans[count++] = span;
                }
            }

            return _processor.Export(spans, count);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                spans[i].Dispose();
            }
        }
    }

    // The last commit exported, and the one the database has as the cursor.
    private sealed class Position
    {
        public long Exported { get; set; }

        public long Saved { get; set; }
    }

    private async Task<long> SaveCursorAsync(long commit, CancellationToken cancellationToken) =>
        await _writer.WriteAsync("span cursor", () =>
        {
            _store.SaveCursor(CursorName, commit);
            return commit;
        }, cancellationToken);
}
