using System.Diagnostics;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

public sealed class StatsScanTests
{
    [Test]
    public async Task Stats_over_a_window_of_the_store_count_sum_and_rank_every_execution_in_it()
    {
        using var folder = new TempFolder();
        var store = new RecordStore(folder.File("tap.db"));
        await using var source = new StoreRecordSource(store, "test", ownsStore: true);
        var records = Enumerable.Range(0, 3000).Select(i =>
        {
            var record = SampleRecords.Full(SampleRecords.BaseTime.AddSeconds(i), i % 4 == 0 ? "failed" : "completed");
            record.Response = new string('x', 20_000);
            record.LatencyMs = i;
            return record;
        }).ToList();
        foreach (var batch in records.Chunk(500))
        {
            store.Save(batch);
        }

        var watch = Stopwatch.StartNew();
        var stats = await source.StatsAsync(new RecordQuery { Since = SampleRecords.BaseTime.AddSeconds(1000) }, StatsGrouping.Status, CancellationToken.None);
        TestContext.Out.WriteLine($"stats over 2000 of 3000 records with 20 KB responses: {watch.ElapsedMilliseconds} ms");

        Assert.That(stats.Count, Is.EqualTo(2000));
        Assert.That(stats.Groups.Sum(g => g.InputTokens), Is.EqualTo(2000 * 12));
        Assert.That(stats.Groups.Single(g => g.Key == "completed").LatencyMs!.P99, Is.EqualTo(2979));
        Assert.That(stats.TopFailureReasons.Single().Count, Is.EqualTo(500));
    }
}
