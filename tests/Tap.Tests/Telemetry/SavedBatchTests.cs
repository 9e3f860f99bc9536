using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Telemetry;

/// <summary>What a save tells the metrics agrees with what it wrote: a replay that replaces nothing is not counted again.</summary>
public class SavedBatchTests
{
    [Test]
    public void Save_reports_the_records_it_wrote_and_the_stored_ones_they_replaced()
    {
        using var folder = new TempFolder();
        using var store = new RecordStore(folder.File("tap.db"));
        var id = Guid.NewGuid();
        var abandoned = WithoutEnd(SampleRecords.Full(id: id, status: "abandoned"));

        var first = store.Save([abandoned], []);
        Assert.That((first.Written.Count, first.Replaced.Count), Is.EqualTo((1, 0)));

        // Decided at End: replaces the record decided without it.
        var completed = SampleRecords.Full(id: id);
        var second = store.Save([completed], []);
        Assert.That(second.Written, Is.EqualTo(new[] { completed }));
        Assert.That(second.Replaced.Select(r => r.Status), Is.EqualTo(new[] { "abandoned" }));

        // A later report without End never replaces one made at End: nothing is written.
        var third = store.Save([WithoutEnd(SampleRecords.Full(id: id, status: "abandoned"))], []);
        Assert.That((third.Written.Count, third.Replaced.Count), Is.EqualTo((0, 0)));
        Assert.That(store.Count(), Is.EqualTo(1));
    }

    private static ExecutionRecord WithoutEnd(ExecutionRecord record)
    {
        record.Signals.RemoveAll(s => s.Kind == "end");
        return record;
    }
}
