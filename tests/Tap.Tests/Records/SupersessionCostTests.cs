using System.Diagnostics;
using LiteDB;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Records;

/// <summary>What the supersession rule's look-up (a FindById per saved record) costs against the save itself.</summary>
public class SupersessionCostTests
{
    private const int Count = 20_000;
    private const int Warm = 2_000;
    private const int Batch = 256;

    [Test]
    [Explicit("A measurement for docs/reliability.md, not a check")]
    public void Looking_up_the_stored_record_costs_a_small_share_of_saving_it()
    {
        using var folder = new TempFolder();
        using var store = new RecordStore(folder.File("tap.db"));
        var records = Enumerable.Range(0, Count).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddMilliseconds(i))).ToList();
        store.Save(records[..Warm]);
        var watch = Stopwatch.StartNew();
        for (var i = Warm; i < Count; i += Batch)
        {
            store.Save(records[i..Math.Min(i + Batch, Count)]);
        }

        var save = watch.Elapsed.TotalMicroseconds / (Count - Warm);
        using var database = new LiteDatabase(new ConnectionString { Filename = folder.File("tap.db") }, RecordStore.CreateMapper());
        var executions = database.GetCollection<ExecutionRecord>("executions");
        var missing = Enumerable.Range(0, Count).Select(_ => Guid.NewGuid()).ToList();
        watch.Restart();
        missing.ForEach(id => executions.FindById(id));
        var findMissing = watch.Elapsed.TotalMicroseconds / Count;
        watch.Restart();
        records[..Warm].ForEach(r => executions.FindById(r.Id));
        var findExisting = watch.Elapsed.TotalMicroseconds / Warm;
        TestContext.Out.WriteLine($"save {save:0.0} µs a record (look-up included); look-up of a new id {findMissing:0.0} µs " +
            $"({findMissing / save:P1} of a save), of a stored record (a replay) {findExisting:0.0} µs");
    }
}
