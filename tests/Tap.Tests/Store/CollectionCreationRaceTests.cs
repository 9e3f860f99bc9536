using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>
/// LiteDB 5.0.20 fails a read, or the commit beside it, when the read meets a transaction creating a collection
/// (litedb-org/LiteDB#2792, #2891). The writer's first loss report used to create the loss book's collections while
/// <c>tap stats</c> read them; every collection the writer fills now exists from the moment the store opens.
/// </summary>
public sealed class CollectionCreationRaceTests
{
    private const int Rounds = 40;

    [Test]
    public async Task First_loss_report_saved_while_stats_are_read_commits_and_reads_without_a_fault()
    {
        using var folder = new TempFolder();
        var client = new ClientIdentity { Gateway = "edge", Host = "node", Process = "gateway", ProcessId = 1 };
        for (var round = 0; round < Rounds; round++)
        {
            using var store = new RecordStore(folder.File($"round-{round}.db"));
            using var stop = new CancellationTokenSource();
            var reads = 0;
            var reader = Task.Run(() =>
            {
                while (!stop.IsCancellationRequested)
                {
                    store.ShimLosses(new RecordQuery());
                    store.SideCollections();
                    reads++;
                }
            });
            await Eventually.TrueAsync(() => Volatile.Read(ref reads) > 0, "the reader runs");

            store.Save([SampleRecords.Full()], [new ShimLossReport(Guid.NewGuid(), "memory_cap", [Guid.NewGuid()], 2, client, Guid.NewGuid(), SampleRecords.BaseTime)]);
            await stop.CancelAsync();
            await reader;
            Assert.That(store.ShimLosses(new RecordQuery()).Sum(loss => loss.Count), Is.EqualTo(3), $"round {round}");
        }
    }

    [Test]
    public void A_new_database_holds_every_collection_its_writer_fills()
    {
        using var folder = new TempFolder();
        using var store = new RecordStore(folder.File("tap.db"));

        Assert.That(store.SideCollections(), Is.EquivalentTo(new[] { "loss_reports", "lost_executions", "shim_losses" }), "the cursors are there too, left out of compaction");
    }
}
