using Tap.Sidecar.Store.Files;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

public sealed class SyncedFileStreamTests
{
    private static readonly byte[] Page = new byte[8192];

    [Test]
    public void The_log_syncs_once_per_commit_however_often_the_writer_flushes()
    {
        using var folder = new TempFolder();
        using var log = new SyncedFileStream(new FileStream(folder.File("tap-log.db"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 0), syncOnFlush: false);
        var generation = log.Generation;

        // LiteDB's writer flushes whenever its queue runs empty, which happens several times within one commit.
        for (var i = 0; i < 3; i++)
        {
            log.Write(Page, 0, Page.Length);
            log.Flush();
        }

        Assert.That(log.Syncs, Is.Zero, "the writer's flushes do not sync the log");
        log.WaitDurable(generation, 3 * Page.Length);
        log.WaitDurable(generation, 3 * Page.Length);
        Assert.That(log.Syncs, Is.EqualTo(1), "the commit waiting for its pages synced them, once");

        log.Write(Page, 0, Page.Length);
        log.WaitDurable(generation, 4 * Page.Length);
        Assert.That(log.Syncs, Is.EqualTo(2), "the next commit's page is synced too");
    }

    [Test]
    public void The_data_file_syncs_at_every_flush_after_a_write_even_of_a_page_written_in_place()
    {
        using var folder = new TempFolder();
        using var data = new SyncedFileStream(new FileStream(folder.File("tap.db"), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 0), syncOnFlush: true);
        data.Write(Page, 0, Page.Length);
        data.Write(Page, 0, Page.Length);
        data.Flush();
        data.Flush();
        Assert.That(data.Syncs, Is.EqualTo(1), "a flush with nothing new written has nothing to sync");

        // A checkpoint writes pages in place, below the end already synced.
        data.Position = 0;
        data.Write(Page, 0, Page.Length);
        data.Flush();
        Assert.That(data.Syncs, Is.EqualTo(2));
    }
}
