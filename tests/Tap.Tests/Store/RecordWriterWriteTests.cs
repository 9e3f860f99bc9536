using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>The writes other than records (purge, retention, checkpoints), all on the one writer.</summary>
public sealed class RecordWriterWriteTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private TempFolder _folder = null!;
    private RecordStore _store = null!;
    private ListLogger<RecordWriter> _logger = null!;

    [SetUp]
    public void OpenStore()
    {
        _folder = new TempFolder();
        _store = new RecordStore(_folder.File("tap.db"));
        _logger = new ListLogger<RecordWriter>();
    }

    [TearDown]
    public void CloseStore()
    {
        _store.Dispose();
        _folder.Dispose();
    }

    [Test]
    public async Task A_write_runs_after_the_records_queued_before_it_and_before_those_queued_after_it()
    {
        using var writer = CreateWriter(_store.Save);
        var before = Enumerable.Range(0, 50).Select(i => SampleRecords.Full(SampleRecords.BaseTime.AddSeconds(i))).ToList();
        var after = SampleRecords.Full(SampleRecords.BaseTime);
        before.ForEach(record => writer.TryEnqueue(record));

        // Queued before the writer runs, so the order is the queue's alone.
        var purge = writer.WriteAsync("purge", () => _store.DeleteStartedBefore(SampleRecords.BaseTime.AddDays(1)), CancellationToken.None);
        writer.TryEnqueue(after);
        await writer.StartAsync(CancellationToken.None);

        Assert.That(await purge.WaitAsync(Timeout), Is.EqualTo(50), "every record queued before the purge was committed first");
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.That(_store.Query(new RecordQuery()).Select(r => r.Id), Is.EqualTo(new[] { after.Id }));
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_write_that_meets_a_store_fault_is_retried_with_the_back_off_until_it_succeeds()
    {
        using var writer = CreateWriter(_store.Save);
        await writer.StartAsync(CancellationToken.None);
        var attempts = 0;

        var result = await writer.WriteAsync("purge", () => ++attempts < 3 ? throw new IOException("No space left on device") : 7, CancellationToken.None).WaitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That((result, attempts), Is.EqualTo((7L, 3)));
            Assert.That(writer.FailedAttempts, Is.EqualTo(2));
            Assert.That(_logger.Count("WriteFailed"), Is.EqualTo(2));
        });
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_write_that_throws_a_bug_fails_its_caller_and_the_records_after_it_are_still_saved()
    {
        using var writer = CreateWriter(_store.Save);
        await writer.StartAsync(CancellationToken.None);

        var failing = writer.WriteAsync("purge", () => throw new InvalidOperationException("a bug"), CancellationToken.None);
        writer.TryEnqueue(SampleRecords.Full());

        Assert.ThrowsAsync<InvalidOperationException>(() => failing.WaitAsync(Timeout));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.That(_store.Count(), Is.EqualTo(1));
        Assert.That(writer.FailedAttempts, Is.Zero, "a bug is not retried");
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_stopped_writer_refuses_a_write_with_a_clear_message()
    {
        using var writer = CreateWriter(_store.Save);
        await writer.StartAsync(CancellationToken.None);
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);

        var refused = Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync("purge", () => 0, CancellationToken.None));

        Assert.That(refused!.Message, Does.Contain("stopped").And.Contain("purge"));
    }

    private RecordWriter CreateWriter(Action<IReadOnlyList<ExecutionRecord>> save) =>
        new(save, new StoreOptions(), _logger, TimeProvider.System);
}
