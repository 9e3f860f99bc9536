using System.Diagnostics;
using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>
/// What docs/operations.md says about compaction, measured on the indexed executions collection with 10,000
/// records, half of them purged: LiteDB 5.0.20's Rebuild() against the copy that <see cref="RecordCompactor"/> makes.
/// </summary>
public sealed class CompactionTests
{
    private const int Total = 10_000;

    private TempFolder _folder = null!;
    private string _path = null!;
    private List<ExecutionRecord> _remaining = null!;

    [SetUp]
    public void FillThenPurgeHalf()
    {
        _folder = new TempFolder();
        _path = _folder.File("tap.db");
        var records = Enumerable.Range(0, Total).Select(i =>
        {
            var record = SampleRecords.Full(SampleRecords.BaseTime.AddSeconds(i), i % 3 == 0 ? "failed" : "completed", i % 2 == 0 ? "gpt-4o" : "claude");
            record.RequestId = "req_" + (i / 2).ToString(System.Globalization.CultureInfo.InvariantCulture);
            record.RecordedAt = record.StartedAt.AddSeconds(1);
            record.Response = new string('x', 1000 + (i % 500));
            return record;
        }).ToList();
        using var store = new RecordStore(_path);
        foreach (var batch in records.Chunk(500))
        {
            store.Save(batch);
        }

        store.DeleteStartedBefore(SampleRecords.BaseTime.AddSeconds(Total / 2));
        store.Checkpoint();
        _remaining = records.Skip(Total / 2).ToList();
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void LiteDB_rebuild_of_the_indexed_collection_fails_and_leaves_the_file_readable()
    {
        var watch = Stopwatch.StartNew();
        using (var database = new LiteDatabase(new ConnectionString { Filename = _path }))
        {
            // If an upgrade of LiteDB fixes this, this assertion fails: revisit docs/operations.md then.
            Assert.That(() => database.Rebuild(), Throws.InstanceOf<LiteException>().With.Message.Contains("Detected loop in FindAll"));
        }

        TestContext.Out.WriteLine($"Rebuild() failed after {watch.ElapsedMilliseconds} ms");
        AssertEveryRecordAndIndex(_path);
    }

    [Test]
    public async Task Compacting_by_copy_keeps_every_record_and_index_in_a_smaller_file()
    {
        var before = new FileInfo(_path).Length;
        var copy = _folder.File("compact.db");
        var watch = Stopwatch.StartNew();
        long copied;
        await using (var source = new StoreRecordSource(new RecordStore(_path, readOnly: true), "test", ownsStore: true))
        {
            copied = await RecordCompactor.CopyAsync(source, copy, null, CancellationToken.None);
        }

        var after = new FileInfo(copy).Length;
        TestContext.Out.WriteLine($"Copied {copied} of {Total} records: {before / 1024} KiB -> {after / 1024} KiB in {watch.ElapsedMilliseconds} ms");
        Assert.That(copied, Is.EqualTo(_remaining.Count));
        Assert.That(after, Is.LessThan(before * 3 / 4));
        AssertEveryRecordAndIndex(copy);
    }

    private void AssertEveryRecordAndIndex(string path)
    {
        using var database = new LiteDatabase(new ConnectionString { Filename = path, ReadOnly = true });
        var executions = database.GetCollection("executions");
        var indexes = database.GetCollection("$indexes").Find(BsonExpression.Create("collection = 'executions'")).Select(i => i["name"].AsString).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(indexes, Is.EquivalentTo(new[] { "_id", "StartedAt", "RequestId", "Commit" }));
            Assert.That(executions.Count(), Is.EqualTo(_remaining.Count));
            foreach (var field in new[] { "StartedAt", "RequestId", "Commit" })
            {
                var viaIndex = executions.Count(Query.GTE(field, BsonValue.MinValue));
                Assert.That(viaIndex, Is.EqualTo(_remaining.Count), "every document through the " + field + " index");
            }

            Assert.That(_remaining.Where((_, i) => i % 250 == 0).All(r => executions.FindById(r.Id) is { } doc && doc["Response"].AsString == r.Response), Is.True);
            Assert.That(executions.Count(Query.EQ("Status", "failed")), Is.EqualTo(_remaining.Count(r => r.Status == "failed")));
            Assert.That(executions.Count(Query.EQ("Model", "claude")), Is.EqualTo(_remaining.Count(r => r.Model == "claude")));
            Assert.That(executions.Count(Query.EQ("RequestId", _remaining[10].RequestId)), Is.EqualTo(2));
            Assert.That(executions.Count(Query.GTE("StartedAt", _remaining[^100].StartedAt)), Is.EqualTo(100));
        });
    }
}
