using System.Diagnostics;
using System.Diagnostics.Metrics;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using Tap.Benchmarks.Hosts;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Sidecar.Telemetry.Metrics;

namespace Tap.Benchmarks.Ingest;

/// <summary>The store's limit: the same records written straight to a fresh LiteDB file, no pipe, no parsing.</summary>
internal static class StoreBaselines
{
    /// <summary>A plain <c>InsertBulk</c> (one call, LiteDB's default batches) into a collection with the sidecar's indexes and mapper settings.</summary>
    /// <param name="prefill">Inserted first, untimed: the records already in the file, as Tap's warm-up leaves them in its own.</param>
    public static TimeSpan InsertBulk(List<ExecutionRecord> records, List<ExecutionRecord> prefill)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            using var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(folder, "bulk.db"), Connection = ConnectionType.Direct }, RecordStore.CreateMapper());
            database.UtcDate = true;
            var executions = database.GetCollection<ExecutionRecord>("executions");
            RecordStore.EnsureIndexes(executions);
            executions.InsertBulk(prefill);
            var clock = Stopwatch.StartNew();
            executions.InsertBulk(records);
            return clock.Elapsed;
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    /// <summary>The sidecar's own <see cref="RecordStore.Save(IReadOnlyList{ExecutionRecord})"/> (an upsert transaction per batch of <see cref="StoreOptions.MaxBatchSize"/>, as its writer commits under load), without the pipe.</summary>
    /// <param name="prefill">Saved first, untimed, as in <see cref="InsertBulk"/>.</param>
    public static TimeSpan RecordStoreSave(List<ExecutionRecord> records, List<ExecutionRecord> prefill)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            using var store = new RecordStore(Path.Combine(folder, "store.db"));
            var batchSize = new StoreOptions().MaxBatchSize;
            foreach (var batch in prefill.Chunk(batchSize))
            {
                store.Save(batch);
            }

            var clock = Stopwatch.StartNew();
            foreach (var batch in records.Chunk(batchSize))
            {
                store.Save(batch);
            }

            return clock.Elapsed;
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    /// <summary>
    /// What the metrics add to the writer's thread for the same records: <see cref="SidecarMetrics.Committed"/> once per batch
    /// of <see cref="StoreOptions.MaxBatchSize"/>, with the OpenTelemetry SDK listening (the Prometheus exporter's reader, as
    /// <c>Tap:Telemetry:Prometheus</c> sets it up) and one collection at the end, as a scrape would do.
    /// </summary>
    public static TimeSpan MetricsHook(List<ExecutionRecord> records)
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var provider = Sdk.CreateMeterProviderBuilder().AddMeter(SidecarMetrics.MeterName).AddPrometheusExporter().Build();
        var metrics = new SidecarMetrics(services.GetRequiredService<IMeterFactory>(), services);
        var batches = records.Chunk(new StoreOptions().MaxBatchSize).Select(batch => new SavedBatch(batch, [], [])).ToList();

        // Once untimed, as the sidecar's warm-up would: the SDK's series exist and its code is compiled.
        metrics.Committed(batches[0], TimeSpan.FromMilliseconds(1));
        var clock = Stopwatch.StartNew();
        foreach (var batch in batches)
        {
            metrics.Committed(batch, TimeSpan.FromMilliseconds(1));
        }

        var elapsed = clock.Elapsed;
        provider.ForceFlush();
        return elapsed;
    }
}
