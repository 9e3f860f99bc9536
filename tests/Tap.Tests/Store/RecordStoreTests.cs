using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;
using JsonSerializer = System.Text.Json.JsonSerializer;

namespace Tap.Tests.Store;

public sealed class RecordStoreTests
{
    private TempFolder _folder = null!;
    private string _path = null!;

    [SetUp]
    public void CreateFolder()
    {
        _folder = new TempFolder();
        _path = _folder.File("data/tap.db");
    }

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public void Saved_record_reads_back_with_every_field_and_nested_list()
    {
        var record = SampleRecords.Full();
        using (var store = new RecordStore(_path))
        {
            store.Save([record]);
        }

        using var reader = new RecordStore(_path, readOnly: true);
        var read = reader.Find(record.Id.ToString());

        Assert.That(read, Is.Not.Null);
        Assert.That(JsonSerializer.Serialize(read), Is.EqualTo(JsonSerializer.Serialize(record)));
    }

    [Test]
    public void Dates_read_back_as_utc_in_both_writable_and_read_only_mode()
    {
        var record = SampleRecords.Full();
        using (var store = new RecordStore(_path))
        {
            store.Save([record]);
            AssertUtc(store.Find(record.Id.ToString())!);
        }

        using var reader = new RecordStore(_path, readOnly: true);
        AssertUtc(reader.Query(new RecordQuery()).Single());

        static void AssertUtc(ExecutionRecord read)
        {
            DateTime[] dates = [read.StartedAt, read.FirstByteAt!.Value, read.FirstTokenAt!.Value, read.EndedAt!.Value, read.RecordedAt, .. read.Signals.Select(s => s.At)];
            Assert.That(dates.Select(d => d.Kind), Is.All.EqualTo(DateTimeKind.Utc));
            Assert.That(read.StartedAt, Is.EqualTo(SampleRecords.BaseTime));
        }
    }

    [Test]
    public void Saving_the_same_execution_twice_stores_it_once()
    {
        var record = SampleRecords.Full();
        using var store = new RecordStore(_path);

        store.Save([record]);
        record.Status = "failed";
        store.Save([record]);

        Assert.That(store.Count(), Is.EqualTo(1));
        Assert.That(store.Find(record.Id.ToString())!.Status, Is.EqualTo("failed"));
    }

    [Test]
    public void A_batch_with_one_stored_execution_among_new_ones_stores_each_once_and_commits_each_anew()
    {
        using var store = new RecordStore(_path);
        var stored = SampleRecords.Full();
        store.Save([stored]);

        var replay = SampleRecords.Full(id: stored.Id);
        replay.ChunkCount = stored.ChunkCount + 1;
        replay.ByteCount = stored.ByteCount + 1;
        var fresh = Enumerable.Range(0, 5).Select(_ => SampleRecords.Full()).ToList();
        var saved = store.Save([fresh[0], fresh[1], replay, fresh[2], fresh[3], fresh[4]], []);

        Assert.That(store.Count(), Is.EqualTo(6));
        Assert.That(saved.Replaced.Select(r => r.Id), Is.EqualTo(new[] { stored.Id }));
        Assert.That(store.Find(stored.Id.ToString())!.ChunkCount, Is.EqualTo(replay.ChunkCount));
        Assert.That(store.CommittedAfter(0, 100).Select(r => r.Commit), Is.EqualTo(new long[] { 2, 3, 4, 5, 6, 7 }));
        Assert.That(store.LastCommit, Is.EqualTo(7));

        // The store was not taken for faulted: it goes on saving.
        store.Save([SampleRecords.Full()]);
        Assert.That(store.Count(), Is.EqualTo(7));
    }

    [Test]
    public void A_file_with_the_status_model_and_recorded_at_indexes_of_before_keeps_them_whole_as_records_are_added()
    {
        var old = SampleRecords.Full(status: "failed");
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        using (var database = new LiteDatabase(new ConnectionString { Filename = _path }, RecordStore.CreateMapper()))
        {
            var executions = database.GetCollection<ExecutionRecord>("executions");
            RecordStore.EnsureIndexes(executions);
            executions.EnsureIndex(x => x.Status);
            executions.EnsureIndex(x => x.Model);
            executions.EnsureIndex(x => x.RecordedAt);
            executions.Insert(old);
        }

        var added = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), model: "claude");
        using (var store = new RecordStore(_path))
        {
            store.Save([added]);
            Assert.That(store.Query(new RecordQuery { Status = "failed" }).Select(r => r.Id), Is.EqualTo(new[] { old.Id }));
            Assert.That(store.Query(new RecordQuery { Model = "claude" }).Select(r => r.Id), Is.EqualTo(new[] { added.Id }));
        }

        using var check = new LiteDatabase(new ConnectionString { Filename = _path, ReadOnly = true });
        var documents = check.GetCollection("executions");
        Assert.That(check.GetCollection("$indexes").Find(BsonExpression.Create("collection = 'executions'")).Select(i => i["name"].AsString),
            Is.EquivalentTo(new[] { "_id", "StartedAt", "Status", "Model", "RequestId", "RecordedAt", "Commit" }));
        Assert.That(documents.Count(LiteDB.Query.GTE("Status", BsonValue.MinValue)), Is.EqualTo(2), "every record through the Status index");
        Assert.That(documents.Count(LiteDB.Query.GTE("Model", BsonValue.MinValue)), Is.EqualTo(2), "every record through the Model index");
    }

    [Test]
    public void Query_returns_newest_first_up_to_the_limit()
    {
        using var store = new RecordStore(_path);
        var records = Enumerable.Range(0, 10).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(i))).ToList();
        store.Save([.. records.OrderBy(_ => Guid.NewGuid())]);

        var read = store.Query(new RecordQuery { Limit = 4 });

        Assert.That(read.Select(r => r.Id), Is.EqualTo(records.AsEnumerable().Reverse().Take(4).Select(r => r.Id)));
    }

    [Test]
    public void Query_filters_by_status_model_and_since()
    {
        using var store = new RecordStore(_path);
        var old = SampleRecords.Full(SampleRecords.BaseTime.AddHours(-2), "failed", "claude");
        var wanted = SampleRecords.Full(SampleRecords.BaseTime, "failed", "claude");
        var otherStatus = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "completed", "claude");
        var otherModel = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(2), "failed", "gpt");
        store.Save([old, wanted, otherStatus, otherModel]);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(store.Query(new RecordQuery { Status = "failed", Model = "claude", Since = SampleRecords.BaseTime.AddHours(-1) })), Is.EqualTo(new[] { wanted.Id }));
            Assert.That(Ids(store.Query(new RecordQuery { Status = "failed" })), Is.EqualTo(new[] { otherModel.Id, wanted.Id, old.Id }));
            Assert.That(Ids(store.Query(new RecordQuery { Model = "claude" })), Is.EqualTo(new[] { otherStatus.Id, wanted.Id, old.Id }));
            Assert.That(Ids(store.Query(new RecordQuery { Since = SampleRecords.BaseTime })), Is.EqualTo(new[] { otherModel.Id, otherStatus.Id, wanted.Id }));
            Assert.That(Ids(store.Query(new RecordQuery { Since = DateTime.SpecifyKind(SampleRecords.BaseTime.AddMinutes(1), DateTimeKind.Unspecified) })), Is.EqualTo(new[] { otherModel.Id, otherStatus.Id }));
        });

        static Guid[] Ids(IReadOnlyList<ExecutionRecord> records) => [.. records.Select(r => r.Id)];
    }

    [TestCase(null, null, true)]
    [TestCase("failed", null, true)]
    [TestCase("failed", "claude", true)]
    [TestCase("failed", null, false)]
    public void Query_walks_the_started_at_index_without_sorting(string? status, string? model, bool withSince)
    {
        using var store = new RecordStore(_path);
        store.Save([.. Enumerable.Range(0, 20).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(i), i % 2 == 0 ? "failed" : "completed"))]);

        var plan = store.Explain(new RecordQuery { Status = status, Model = model, Since = withSince ? SampleRecords.BaseTime.AddMinutes(5) : null });

        Assert.That(plan["index"]["name"].AsString, Is.EqualTo("StartedAt"), plan.ToString());
        Assert.That(plan["index"]["order"].AsInt32, Is.EqualTo(LiteDB.Query.Descending), plan.ToString());
        Assert.That(plan.ContainsKey("orderBy"), Is.False, plan.ToString());
        if (withSince)
        {
            Assert.That(plan["index"]["mode"].AsString, Does.StartWith("INDEX SCAN(StartedAt >="), plan.ToString());
        }
    }

    [Test]
    public void Explain_of_a_started_at_range_uses_the_index_rather_than_a_full_scan()
    {
        using (var store = new RecordStore(_path))
        {
            store.Save([SampleRecords.Full()]);
        }

        using var database = new LiteDatabase(new ConnectionString { Filename = _path, ReadOnly = true });
        var plan = database.Execute("EXPLAIN SELECT $ FROM executions WHERE StartedAt >= DATETIME_UTC(2026, 1, 1) ORDER BY StartedAt DESC LIMIT 20").Current.AsDocument;

        Assert.That(plan["index"]["name"].AsString, Is.EqualTo("StartedAt"), plan.ToString());
        Assert.That(plan["index"]["mode"].AsString, Does.Not.Contain("FULL INDEX SCAN"));
    }

    [Test]
    public void Find_accepts_a_unique_prefix_of_the_n_or_d_text()
    {
        var record = SampleRecords.Full(id: Guid.Parse("1234abcd-0000-0000-0000-000000000001"));
        using var store = new RecordStore(_path);
        store.Save([record, SampleRecords.Full(id: Guid.Parse("99990000-0000-0000-0000-000000000002"))]);

        Assert.Multiple(() =>
        {
            Assert.That(store.Find("1234")?.Id, Is.EqualTo(record.Id));
            Assert.That(store.Find("1234ABCD-00")?.Id, Is.EqualTo(record.Id));
            Assert.That(store.Find("1234abcd0000")?.Id, Is.EqualTo(record.Id));
            Assert.That(store.Find("5555"), Is.Null);
            Assert.That(store.Find(Guid.NewGuid().ToString()), Is.Null);
        });
    }

    [Test]
    public void Find_accepts_the_suffix_list_shows_for_uuid7_ids_that_share_their_timestamp_digits()
    {
        var now = DateTimeOffset.UtcNow;
        var records = Enumerable.Range(0, 20).Select(_ => SampleRecords.Full(id: Guid.CreateVersion7(now))).ToList();
        using var store = new RecordStore(_path);
        store.Save(records);

        Assert.That(records.Select(r => r.Id.ToString("N")[..8]).Distinct().Count(), Is.EqualTo(1), "the first digits are the shared timestamp");
        Assert.That(records.Select(r => store.Find(r.Id.ToString("N")[^8..])?.Id), Is.EqualTo(records.Select(r => (Guid?)r.Id)));
        Assert.Throws<AmbiguousIdException>(() => store.Find(records[0].Id.ToString("N")[..8]));
    }

    [Test]
    public void Find_with_an_ambiguous_prefix_names_the_candidates()
    {
        using var store = new RecordStore(_path);
        store.Save([
            SampleRecords.Full(id: Guid.Parse("abcd0000-0000-0000-0000-000000000001")),
            SampleRecords.Full(id: Guid.Parse("abcd1111-0000-0000-0000-000000000002")),
        ]);

        var error = Assert.Throws<AmbiguousIdException>(() => store.Find("abcd"));

        Assert.That(error!.Message, Does.Contain("abcd0000").And.Contain("abcd1111"));
        Assert.That(store.Find("abcd1")?.Id, Is.EqualTo(Guid.Parse("abcd1111-0000-0000-0000-000000000002")));
    }

    [Test]
    public void Opening_creates_the_missing_directory()
    {
        using var store = new RecordStore(_path);

        Assert.That(File.Exists(_path), Is.True);
        Assert.That(store.Count(), Is.Zero);
    }
}
