using System.Diagnostics;
using System.Diagnostics.Tracing;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Ingest;
using Tap.Sidecar.Store;

namespace Tap.Benchmarks;

/// <summary>
/// <c>store-allocations</c>: what <see cref="RecordStore.Save(IReadOnlyList{Tap.Sidecar.Records.ExecutionRecord})"/> allocates per
/// record, by type, sampled from the runtime's own allocation ticks (an <see cref="EventListener"/> on
/// <c>Microsoft-Windows-DotNETRuntime</c>, one event per ~100 KB allocated, naming the type that crossed it), over 20,000
/// records saved in batches of the writer's size into a file already holding 20,000; then the same for the sidecar's code
/// alone (state, aggregator, decision, record: <see cref="RecordBuilder"/>) building those records.
/// </summary>
internal static class StoreAllocations
{
    private const int Records = 20_000;

    public static int Run()
    {
        using var ticks = new AllocationTicks();
        RecordBuilder.Build(FixtureSet.All, Records);
        var beforeBuild = GC.GetTotalAllocatedBytes(precise: true);
        ticks.On = true;
        var records = RecordBuilder.Build(FixtureSet.All, Records);
        ticks.On = false;
        var built = GC.GetTotalAllocatedBytes(precise: true) - beforeBuild;
        Console.WriteLine($"The sidecar's code alone (state, aggregator, decision, record), {Records:N0} executions: {built / Records:N0} B allocated per execution");
        Print(ticks.ByType);
        ticks.ByType.Clear();
        var prefill = RecordBuilder.Build(FixtureSet.All, Records);
        var batchSize = new StoreOptions().MaxBatchSize;
        var folder = Endpoints.NewTempFolder();
        try
        {
            long allocated;
            TimeSpan took;
            using (var store = new RecordStore(Path.Combine(folder, "store.db")))
            {
                foreach (var batch in prefill.Chunk(batchSize))
                {
                    store.Save(batch);
                }

                var before = GC.GetTotalAllocatedBytes(precise: true);
                ticks.On = true;
                var clock = Stopwatch.StartNew();
                foreach (var batch in records.Chunk(batchSize))
                {
                    store.Save(batch);
                }

                took = clock.Elapsed;
                ticks.On = false;
                allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            }

            var document = records.Take(500).Average(r => LiteDB.BsonSerializer.Serialize(RecordBson.ToDocument(r)).Length);
            Console.WriteLine($"RecordStore.Save, {Records:N0} records in batches of {batchSize:N0}: {allocated / Records:N0} B allocated and {took.TotalMicroseconds / Records:N1} µs per record; a record's document is {document:N0} B");
            Print(ticks.ByType);
            return 0;
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static void Print(Dictionary<string, long> byType)
    {
        foreach (var (type, bytes) in byType.OrderByDescending(t => t.Value).Take(12))
        {
            Console.WriteLine($"{bytes / Records,10:N0} B/record  {type}");
        }
    }

    private sealed class AllocationTicks : EventListener
    {
        private const EventKeywords GcKeyword = (EventKeywords)0x1;

        public Dictionary<string, long> ByType { get; } = [];

        public volatile bool On;

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (!On || eventData.EventName != "GCAllocationTick_V4" || eventData.Payload is not { } payload || eventData.PayloadNames is not { } names)
            {
                return;
            }

            var type = (string?)payload[names.IndexOf("TypeName")] ?? "?";
            var bytes = Convert.ToInt64(payload[names.IndexOf("AllocationAmount64")], System.Globalization.CultureInfo.InvariantCulture);
            lock (ByType)
            {
                ByType[type] = ByType.GetValueOrDefault(type) + bytes;
            }
        }
    }
}
