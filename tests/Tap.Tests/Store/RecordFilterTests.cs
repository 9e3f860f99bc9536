using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

public sealed class RecordFilterTests
{
    private TempFolder _folder = null!;
    private RecordStore _store = null!;

    [SetUp]
    public void OpenStore()
    {
        _folder = new TempFolder();
        _store = new RecordStore(_folder.File("tap.db"));
    }

    [TearDown]
    public void CloseStore()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Test]
    public void Every_filter_narrows_to_the_matching_executions()
    {
        var reset = SampleRecords.Full(SampleRecords.BaseTime, "failed");
        reset.Reason = "upstream_error";
        reset.ErrorMessage = "Connection RESET by peer";
        reset.Format = "anthropic-messages";
        reset.Route = "claude";
        reset.RequestId = "req_1";
        reset.Client.Gateway = "yarp";
        var other = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1), "failed");
        _store.Save([reset, other]);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(new RecordQuery { Reason = "upstream_error" }), Is.EqualTo(new[] { reset.Id }));
            Assert.That(Ids(new RecordQuery { Format = "anthropic-messages" }), Is.EqualTo(new[] { reset.Id }));
            Assert.That(Ids(new RecordQuery { Route = "claude" }), Is.EqualTo(new[] { reset.Id }));
            Assert.That(Ids(new RecordQuery { RequestId = "req_1" }), Is.EqualTo(new[] { reset.Id }));
            Assert.That(Ids(new RecordQuery { Client = "yarp" }), Is.EqualTo(new[] { reset.Id }));
            Assert.That(Ids(new RecordQuery { ErrorContains = "reset BY" }), Is.EqualTo(new[] { reset.Id }), "error text matches in any case");
            Assert.That(Ids(new RecordQuery { ErrorContains = "closed the connection" }), Is.EqualTo(new[] { other.Id }));
            Assert.That(Ids(new RecordQuery { Until = other.StartedAt }), Is.EqualTo(new[] { reset.Id }), "until is exclusive");
            Assert.That(Ids(new RecordQuery { Status = "failed", Client = "nobody" }), Is.Empty);
        });
    }

    [Test]
    public void Latency_and_ttft_sort_slowest_first_with_missing_values_last()
    {
        var slow = SampleRecords.Full(SampleRecords.BaseTime);
        slow.LatencyMs = 900;
        slow.TimeToFirstTokenMs = 10;
        var fast = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(1));
        fast.LatencyMs = 100;
        fast.TimeToFirstTokenMs = null;
        var middle = SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(2));
        middle.LatencyMs = 500;
        middle.TimeToFirstTokenMs = 50;
        _store.Save([slow, fast, middle]);

        Assert.Multiple(() =>
        {
            Assert.That(Ids(new RecordQuery { Sort = RecordSort.Latency }), Is.EqualTo(new[] { slow.Id, middle.Id, fast.Id }));
            Assert.That(Ids(new RecordQuery { Sort = RecordSort.Latency, Ascending = true }), Is.EqualTo(new[] { fast.Id, middle.Id, slow.Id }));
            Assert.That(Ids(new RecordQuery { Sort = RecordSort.Ttft }), Is.EqualTo(new[] { middle.Id, slow.Id, fast.Id }));
            Assert.That(Ids(new RecordQuery { Sort = RecordSort.Started, Ascending = true }), Is.EqualTo(new[] { slow.Id, fast.Id, middle.Id }));
        });
    }

    [Test]
    public void A_since_until_window_still_walks_the_started_at_index()
    {
        _store.Save([.. Enumerable.Range(0, 20).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddMinutes(i)))]);

        var plan = _store.Explain(new RecordQuery { Since = SampleRecords.BaseTime.AddMinutes(5), Until = SampleRecords.BaseTime.AddMinutes(10), Status = "completed" });

        Assert.That(plan["index"]["name"].AsString, Is.EqualTo("StartedAt"), plan.ToString());
        Assert.That(plan.ContainsKey("orderBy"), Is.False, plan.ToString());
    }

    [Test]
    public void Deleting_before_a_date_counts_first_when_asked()
    {
        _store.Save([.. Enumerable.Range(0, 10).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddDays(i)))]);

        Assert.That(_store.DeleteStartedBefore(SampleRecords.BaseTime.AddDays(4), dryRun: true), Is.EqualTo(4));
        Assert.That(_store.Count(), Is.EqualTo(10));
        Assert.That(_store.DeleteStartedBefore(SampleRecords.BaseTime.AddDays(4)), Is.EqualTo(4));
        Assert.That(_store.Count(), Is.EqualTo(6));
    }

    private Guid[] Ids(RecordQuery query) => [.. _store.Query(query).Select(r => r.Id)];
}
