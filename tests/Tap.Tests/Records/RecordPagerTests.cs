using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Records;

public sealed class RecordPagerTests
{
    [Test]
    public async Task Pages_return_every_execution_once_even_when_many_share_a_millisecond()
    {
        using var folder = new TempFolder();
        var store = new RecordStore(folder.File("tap.db"));
        await using var source = new StoreRecordSource(store, "test", ownsStore: true);

        // 250 executions in 5 milliseconds, more per millisecond than a page holds.
        var records = Enumerable.Range(0, 250).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddMilliseconds(i / 50))).ToList();
        store.Save(records);

        var read = new List<ExecutionRecord>();
        await foreach (var record in RecordPager.ReadAllAsync(source, new RecordQuery(), pageSize: 30))
        {
            read.Add(record);
        }

        Assert.That(read.Select(r => r.Id), Is.EquivalentTo(records.Select(r => r.Id)));
        Assert.That(read.Select(r => r.StartedAt), Is.Ordered.Descending);
    }

    [Test]
    public async Task Tail_shows_the_latest_then_only_what_was_committed_since_even_when_recorded_in_the_same_millisecond()
    {
        using var folder = new TempFolder();
        var store = new RecordStore(folder.File("tap.db"));
        await using var source = new StoreRecordSource(store, "test", ownsStore: true);
        var old = Enumerable.Range(0, 5).Select(i => Recorded(SampleRecords.BaseTime.AddSeconds(i))).ToList();
        store.Save(old);
        var tail = new RecordTail(new RecordQuery { Limit = 2 });

        var first = await tail.PollAsync(source, CancellationToken.None);
        var sameMillisecond = Recorded(old[^1].RecordedAt);
        var earlierClock = Recorded(SampleRecords.BaseTime.AddMinutes(-1));
        store.Save([sameMillisecond, earlierClock]);
        var second = await tail.PollAsync(source, CancellationToken.None);
        var third = await tail.PollAsync(source, CancellationToken.None);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(new[] { old[3].Id, old[4].Id }));
        Assert.That(second.Select(r => r.Id), Is.EqualTo(new[] { sameMillisecond.Id, earlierClock.Id }));
        Assert.That(third, Is.Empty);
    }

    [Test]
    public async Task Tail_pages_a_backlog_larger_than_a_poll_without_skipping_or_repeating()
    {
        using var folder = new TempFolder();
        var store = new RecordStore(folder.File("tap.db"));
        await using var source = new StoreRecordSource(store, "test", ownsStore: true);
        var tail = new RecordTail(new RecordQuery { Limit = 1 });
        Assert.That(await tail.PollAsync(source, CancellationToken.None), Is.Empty);

        var backlog = Enumerable.Range(0, RecordTail.MaxPerPoll + 7).Select(_ => Recorded(SampleRecords.BaseTime)).ToList();
        store.Save(backlog);
        var shown = new List<ExecutionRecord>();
        shown.AddRange(await tail.PollAsync(source, CancellationToken.None));
        shown.AddRange(await tail.PollAsync(source, CancellationToken.None));

        Assert.That(shown.Select(r => r.Id), Is.EqualTo(backlog.Select(r => r.Id)));
        Assert.That(await tail.PollAsync(source, CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Tail_of_a_file_from_before_commits_were_numbered_shows_its_latest_by_record_time_then_nothing()
    {
        using var folder = new TempFolder();
        var path = folder.File("tap.db");
        var old = Enumerable.Range(0, 5).Select(i => Recorded(SampleRecords.BaseTime.AddSeconds(i))).Reverse().ToList();
        using (var database = new LiteDatabase(new ConnectionString { Filename = path }, RecordStore.CreateMapper()))
        {
            var executions = database.GetCollection<ExecutionRecord>("executions");
            executions.EnsureIndex(x => x.StartedAt);
            executions.EnsureIndex(x => x.RequestId);
            executions.EnsureIndex(x => x.RecordedAt);
            executions.Insert(old);
        }

        await using var source = new StoreRecordSource(new RecordStore(path, readOnly: true), "test", ownsStore: true);
        var tail = new RecordTail(new RecordQuery { Limit = 2 });

        var first = await tail.PollAsync(source, CancellationToken.None);
        var second = await tail.PollAsync(source, CancellationToken.None);

        Assert.That(first.Select(r => r.Id), Is.EqualTo(new[] { old[1].Id, old[0].Id }));
        Assert.That(second, Is.Empty);
    }

    private static ExecutionRecord Recorded(DateTime at)
    {
        var record = SampleRecords.Full(at.AddSeconds(-1));
        record.RecordedAt = at;
        return record;
    }
}
