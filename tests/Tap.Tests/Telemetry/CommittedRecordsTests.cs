using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Sidecar.Telemetry;

namespace Tap.Tests.Telemetry;

/// <summary>The span export takes what the writer just committed from memory, never with a gap, else from the database.</summary>
public class CommittedRecordsTests
{
    [Test]
    public void Records_after_the_cursor_come_in_commit_order_up_to_the_limit()
    {
        var committed = new CommittedRecords(capacity: 10, lastCommit: 4);
        committed.Committed(Batch(5, 6, 7), TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(Commits(committed.After(4, 2)), Is.EqualTo(new long[] { 5, 6 }));
            Assert.That(Commits(committed.After(6, 10)), Is.EqualTo(new long[] { 7 }));
            Assert.That(committed.After(7, 10), Is.Empty, "nothing committed after 7 yet");
            Assert.That(committed.Newest, Is.EqualTo(7));
        });
    }

    [Test]
    public void Commits_before_the_store_was_opened_are_only_in_the_database()
    {
        var committed = new CommittedRecords(capacity: 10, lastCommit: 100);
        committed.Committed(Batch(101), TimeSpan.Zero);

        Assert.That(committed.After(50, 10), Is.Empty, "51 to 100 are read from the database first");
        Assert.That(Commits(committed.After(100, 10)), Is.EqualTo(new long[] { 101 }));
    }

    [Test]
    public void Past_its_capacity_the_oldest_are_let_go_and_read_from_the_database()
    {
        var committed = new CommittedRecords(capacity: 3, lastCommit: 0);
        committed.Committed(Batch(1, 2, 3, 4, 5), TimeSpan.Zero);

        Assert.Multiple(() =>
        {
            Assert.That(committed.After(0, 10), Is.Empty, "1 and 2 were let go: no gap is bridged");
            Assert.That(Commits(committed.After(2, 10)), Is.EqualTo(new long[] { 3, 4, 5 }));
        });
    }

    [Test]
    public void A_report_saved_again_keeps_its_old_commit_and_is_not_exported_again()
    {
        var committed = new CommittedRecords(capacity: 10, lastCommit: 0);
        committed.Committed(Batch(1, 2), TimeSpan.Zero);
        committed.Committed(Batch(2, 3), TimeSpan.Zero);

        Assert.That(Commits(committed.After(0, 10)), Is.EqualTo(new long[] { 1, 2, 3 }));
    }

    [Test]
    public async Task A_commit_ends_the_wait()
    {
        var committed = new CommittedRecords(capacity: 10, lastCommit: 0);
        var waiting = committed.WaitAsync(TimeSpan.FromMinutes(5), TimeProvider.System, CancellationToken.None);
        committed.Committed(Batch(1), TimeSpan.Zero);

        await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.That(waiting.IsCompletedSuccessfully, Is.True);
    }

    private static SavedBatch Batch(params long[] commits) =>
        new([.. commits.Select(commit => new ExecutionRecord { Id = Guid.CreateVersion7(), Commit = commit })], [], []);

    private static long[] Commits(IReadOnlyList<ExecutionRecord> records) => [.. records.Select(r => r.Commit)];
}
