using System.Diagnostics;
using System.Globalization;
using System.Text;
using LiteDB;
using Tap.Benchmarks.Fixtures;
using Tap.Benchmarks.Hosts;
using Tap.Benchmarks.Reporting;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Sidecar.Store.Files;

namespace Tap.Benchmarks.Ingest;

/// <summary>
/// The store's levers side by side in this one process (issue 16): the same records mapped and written in transactions
/// of the writer's batch, with LiteDB's reflection mapper or the hand-written one, under fewer indexes, and the sidecar's
/// own <see cref="RecordStore.Save(IReadOnlyList{ExecutionRecord})"/>. CPU is this process's (LiteDB writes its log on a
/// thread of its own), per record; each variant fills a fresh file with the same records first, untimed.
/// </summary>
internal static class StoreSection
{
    private static readonly Func<BsonMapper> ReflectionMapper = () => new BsonMapper { TrimWhitespace = false, EmptyStringToNull = false };

    public static string Run(BenchSettings settings)
    {
        var fixtures = FixtureSet.All;
        var count = settings.IngestExecutions;
        var prefill = RecordBuilder.Build(fixtures, Math.Min(settings.WarmUpExecutions, 20_000));
        var records = RecordBuilder.Build(fixtures, count);
        var batch = new StoreOptions().MaxBatchSize;
        var variants = new (string Name, Func<(TimeSpan Wall, TimeSpan Cpu)> Run)[]
        {
            ("map only: reflection BsonMapper.ToDocument", () =>
            {
                var mapper = ReflectionMapper();
                return Measure(() => records.ForEach(r => mapper.ToDocument(r)));
            }),
            ("map only: RecordBson.ToDocument (hand-written)", () => Measure(() => records.ForEach(r => RecordBson.ToDocument(r)))),
            ($"LiteDB upserts, {batch} per transaction: reflection mapper, the store's indexes and Status and Model, as before", () => Upserts(prefill, records, batch, ReflectionMapper(), IndexesOfBefore)),
            ($"LiteDB upserts, {batch} per transaction: hand-written mapping, the store's indexes and Status and Model, as before", () => Upserts(prefill, records, batch, RecordStore.CreateMapper(), IndexesOfBefore)),
            ($"LiteDB upserts, {batch} per transaction: hand-written mapping, the store's indexes (_id, StartedAt, RequestId, RecordedAt, Commit)", () => Upserts(prefill, records, batch, RecordStore.CreateMapper(), RecordStore.EnsureIndexes)),
            ($"LiteDB upserts, {batch} per transaction: hand-written mapping, no index but _id", () => Upserts(prefill, records, batch, RecordStore.CreateMapper(), _ => { })),
            ($"LiteDB upserts, 4096 per transaction: hand-written mapping, the store's indexes", () => Upserts(prefill, records, 4096, RecordStore.CreateMapper(), RecordStore.EnsureIndexes)),
            // The record's shape as a lever: LiteDB's cost per document with the store's indexes when the rest of the record is
            // one binary value, and when there is no rest at all (the floor of any shape with these indexes).
            ($"the sidecar's way, {batch} per transaction: the record as the store maps it, the store's indexes", () => Documents(prefill, records, batch, RecordBson.ToDocument, IndexedFields)),
            ($"the sidecar's way, {batch} per transaction: the indexed fields as BSON and the rest of the record one binary value, the store's indexes", () => Documents(prefill, records, batch, ShapedWithPayload, IndexedFields)),
            ($"the sidecar's way, {batch} per transaction: the indexed fields alone, no payload, the store's indexes", () => Documents(prefill, records, batch, Shaped, IndexedFields)),
            ($"the sidecar's way, {batch} per transaction: the indexed fields alone, no payload, no index but _id", () => Documents(prefill, records, batch, Shaped, _ => { })),
            ($"RecordStore.Save, {batch} per call (supersession look-up, synced log)", () => Saves(prefill, records, batch)),
        };

        var runs = variants.Select(_ => new List<(TimeSpan Wall, TimeSpan Cpu)>()).ToArray();
        for (var repetition = 0; repetition < settings.IngestRepetitions; repetition++)
        {
            for (var i = 0; i < variants.Length; i++)
            {
                runs[i].Add(variants[i].Run());
            }
        }

        var table = new MarkdownTable("variant", "records/s (wall)", "CPU µs/record", "CPU against the first store row");
        var reference = double.NaN;
        for (var i = 0; i < variants.Length; i++)
        {
            var (wall, cpu) = runs[i].OrderBy(r => r.Cpu).ElementAt(runs[i].Count / 2);
            var perRecord = cpu.TotalMicroseconds / count;
            if (i == 2)
            {
                reference = perRecord;
            }

            table.Add(variants[i].Name, count / wall.TotalSeconds, perRecord, i >= 2 ? $"{perRecord / reference:P0}" : "");
        }

        return new StringBuilder().AppendLine(table.ToString()).AppendLine(CultureInfo.InvariantCulture,
            $"Medians (by CPU) of {settings.IngestRepetitions} interleaved repetitions; {count:N0} records built by the sidecar's code from all {fixtures.Count} .sse fixtures, into files that already hold {prefill.Count:N0}.").ToString();
    }

    // The store's set until issue 16: Status and Model were indexed too, though no query seeks them.
    private static void IndexesOfBefore(ILiteCollection<ExecutionRecord> executions)
    {
        RecordStore.EnsureIndexes(executions);
        executions.EnsureIndex(x => x.Status);
        executions.EnsureIndex(x => x.Model);
    }

    private static void IndexedFields(ILiteCollection<BsonDocument> executions)
    {
        executions.EnsureIndex("StartedAt");
        executions.EnsureIndex("RequestId");
        executions.EnsureIndex("Commit");
    }

    private static BsonDocument Shaped(ExecutionRecord record) => new()
    {
        ["_id"] = record.Id,
        ["StartedAt"] = record.StartedAt,
        ["RequestId"] = record.RequestId,
        ["Commit"] = record.Commit,
    };

    private static BsonDocument ShapedWithPayload(ExecutionRecord record)
    {
        var document = Shaped(record);
        document["Payload"] = BsonSerializer.Serialize(RecordBson.ToDocument(record));
        return document;
    }

    // Written the sidecar's way (its streams, inserts, the log synced once per commit), so that only the shape differs
    // from the RecordStore.Save row.
    private static (TimeSpan Wall, TimeSpan Cpu) Documents(List<ExecutionRecord> prefill, List<ExecutionRecord> records, int batch, Func<ExecutionRecord, BsonDocument> shape, Action<ILiteCollection<BsonDocument>> indexes)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            using var session = DatabaseSession.OpenWriter(Path.Combine(folder, "shaped.db"), new BsonMapper());
            var database = session.Database;
            database.UtcDate = true;
            var executions = database.GetCollection("executions");
            indexes(executions);
            var commit = 0L;
            Write(prefill);
            database.Checkpoint();
            return Measure(() =>
            {
                Write(records);
                database.Checkpoint();
            });

            void Write(List<ExecutionRecord> all)
            {
                foreach (var chunk in all.Chunk(batch))
                {
                    var generation = session.Log!.Generation;
                    database.BeginTrans();
                    executions.Insert(chunk.Select(r =>
                    {
                        var document = shape(r);
                        document["Commit"] = ++commit;
                        return document;
                    }));
                    database.Commit();
                    session.Log.WaitDurable(generation, database.Execute("SELECT logFileSize FROM $database").ToEnumerable().Single()["logFileSize"].AsInt64);
                }
            }
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static (TimeSpan Wall, TimeSpan Cpu) Measure(Action work)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        work();
        var wall = clock.Elapsed;
        process.Refresh();
        return (wall, process.TotalProcessorTime - cpu);
    }

    private static (TimeSpan Wall, TimeSpan Cpu) Upserts(List<ExecutionRecord> prefill, List<ExecutionRecord> records, int batch, BsonMapper mapper, Action<ILiteCollection<ExecutionRecord>> indexes)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            using var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(folder, "upserts.db"), Connection = ConnectionType.Direct }, mapper);
            database.UtcDate = true;
            var executions = database.GetCollection<ExecutionRecord>("executions");
            indexes(executions);
            Write(prefill);
            database.Checkpoint();
            var measured = Measure(() =>
            {
                Write(records);
                database.Checkpoint();
            });
            return measured;

            void Write(List<ExecutionRecord> all)
            {
                foreach (var chunk in all.Chunk(batch))
                {
                    database.BeginTrans();
                    executions.Upsert(chunk);
                    database.Commit();
                }
            }
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }

    private static (TimeSpan Wall, TimeSpan Cpu) Saves(List<ExecutionRecord> prefill, List<ExecutionRecord> records, int batch)
    {
        var folder = Endpoints.NewTempFolder();
        try
        {
            using var store = new RecordStore(Path.Combine(folder, "store.db"));
            foreach (var chunk in prefill.Chunk(batch))
            {
                store.Save(chunk);
            }

            store.Checkpoint();
            return Measure(() =>
            {
                foreach (var chunk in records.Chunk(batch))
                {
                    store.Save(chunk);
                }

                store.Checkpoint();
            });
        }
        finally
        {
            Endpoints.DeleteFolder(folder);
        }
    }
}
