using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Trace;
using Tap.Benchmarks.Hosts;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Sidecar.Telemetry;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// Where span export spends its time, for the same records, one step at a time as <see cref="SpanExportService"/> runs
/// them: reading the committed records back in pages of <see cref="SpanExportOptions.MaxBatchSize"/>, turning each into
/// its span, and the official OTLP/HTTP exporter sending them to a local receiver.
/// </summary>
internal static class SpanExportSteps
{
    public sealed record Times(TimeSpan Read, TimeSpan Create, TimeSpan Export, long ReadBytes, long CreateBytes, long ExportBytes);

    /// <param name="prefill">Saved first, as the warm-up leaves records in Tap's file: the reads seek in a file of that size.</param>
    public static async Task<Times> MeasureAsync(List<ExecutionRecord> records, List<ExecutionRecord> prefill)
    {
        var folder = Endpoints.NewTempFolder();
        await using var sink = await OtlpSink.StartAsync();
        try
        {
            using var store = new RecordStore(Path.Combine(folder, "store.db"));
            var batchSize = new StoreOptions().MaxBatchSize;
            foreach (var batch in prefill.Concat(records).Chunk(batchSize))
            {
                store.Save(batch);
            }

            var page = new SpanExportOptions().MaxBatchSize;
            using var spans = new ExecutionSpans();
            using var processor = new SpanExportProcessor(new OtlpSettings(new Uri(sink.Endpoint + "/v1/traces"), OtlpExportProtocol.HttpProtobuf, null, 10_000));
            using var provider = Sdk.CreateTracerProviderBuilder().AddSource(ExecutionSpans.SourceName).SetSampler(new AlwaysOnSampler()).AddProcessor(processor).Build();

            // One page untimed, so that the code is compiled and the exporter's connection open.
            var first = store.LastCommit - records.Count;
            Send(processor, spans, store.CommittedAfter(first, page));

            var read = TimeSpan.Zero;
            var create = TimeSpan.Zero;
            var export = TimeSpan.Zero;
            long readBytes = 0, createBytes = 0, exportBytes = 0;
            for (var cursor = first; cursor < store.LastCommit;)
            {
                var allocated = GC.GetAllocatedBytesForCurrentThread();
                var clock = Stopwatch.StartNew();
                var batch = store.CommittedAfter(cursor, page);
                read += clock.Elapsed;
                readBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                allocated = GC.GetAllocatedBytesForCurrentThread();
                clock.Restart();
                var made = batch.Select(spans.Create).OfType<Activity>().ToArray();
                create += clock.Elapsed;
                createBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                allocated = GC.GetAllocatedBytesForCurrentThread();
                clock.Restart();
                if (processor.Export(made, made.Length) != ExportResult.Success)
                {
                    throw new InvalidOperationException("The local OTLP receiver refused an export.");
                }

                export += clock.Elapsed;
                exportBytes += GC.GetAllocatedBytesForCurrentThread() - allocated;
                foreach (var span in made)
                {
                    span.Dispose();
                }

                cursor = batch[^1].Commit;
            }

            return new Times(read, create, export, readBytes, createBytes, exportBytes);
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static void Send(SpanExportProcessor processor, ExecutionSpans spans, IReadOnlyList<ExecutionRecord> batch)
    {
        var made = batch.Select(spans.Create).OfType<Activity>().ToArray();
        processor.Export(made, made.Length);
        foreach (var span in made)
        {
            span.Dispose();
        }
    }
}
