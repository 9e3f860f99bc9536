using System.Collections.Concurrent;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

public sealed class RecordWriterTests
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
    public async Task Records_from_several_threads_are_committed_in_batches_before_their_callbacks_run()
    {
        var batchSizes = new ConcurrentQueue<int>();
        using var writer = CreateWriter(batch =>
        {
            batchSizes.Enqueue(batch.Count);
            _store.Save(batch);
        }, maxBatchSize: 64);
        await writer.StartAsync(CancellationToken.None);
        var committedWhenCalled = new ConcurrentBag<bool>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                Assert.That(writer.TryEnqueue(SampleRecords.Full(), r => committedWhenCalled.Add(_store.Find(r.Id.ToString()) is not null)), Is.True);
            }
        })));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(_store.Count(), Is.EqualTo(2000));
            Assert.That(writer.Recorded, Is.EqualTo(2000));
            Assert.That(committedWhenCalled, Has.Count.EqualTo(2000).And.All.True);
            Assert.That(batchSizes, Has.All.InRange(1, 64));
            Assert.That(batchSizes.Sum(), Is.EqualTo(2000));
        });
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task StopAsync_drains_everything_already_queued()
    {
        var release = new ManualResetEventSlim();
        using var writer = CreateStalledWriter(release);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < 1000; i++)
        {
            writer.TryEnqueue(SampleRecords.Full());
        }

        var stopping = writer.StopAsync(CancellationToken.None);
        Assert.That(writer.TryEnqueue(SampleRecords.Full()), Is.False, "a stopping writer accepts no more records");
        release.Set();
        await stopping.WaitAsync(Timeout);

        Assert.That(_store.Count(), Is.EqualTo(1000));
        Assert.That(writer.Dropped, Is.EqualTo(1));
        Assert.That(_logger.Count("WriterStopped"), Is.EqualTo(1));
    }

    [Test]
    public async Task A_failing_save_is_logged_and_retried_until_it_succeeds()
    {
        var attempts = 0;
        using var writer = CreateWriter(batch =>
        {
            if (Interlocked.Increment(ref attempts) <= 2)
            {
                throw new IOException("No space left on device");
            }

            _store.Save(batch);
        });
        await writer.StartAsync(CancellationToken.None);
        var committed = 0;

        writer.TryEnqueue(SampleRecords.Full(), _ => Interlocked.Increment(ref committed));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(writer.FailedAttempts, Is.EqualTo(2));
            Assert.That(writer.Recorded, Is.EqualTo(1));
            Assert.That(committed, Is.EqualTo(1));
            Assert.That(_store.Count(), Is.EqualTo(1));
            Assert.That(_logger.Count("SaveFailed"), Is.EqualTo(2));
        });
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_throwing_callback_is_logged_and_does_not_stop_the_others()
    {
        using var writer = CreateWriter(_store.Save);
        await writer.StartAsync(CancellationToken.None);
        var called = 0;

        writer.TryEnqueue(SampleRecords.Full(), _ => throw new InvalidOperationException("callback bug"));
        writer.TryEnqueue(SampleRecords.Full(), _ => Interlocked.Increment(ref called));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.That(called, Is.EqualTo(1));
        Assert.That(_logger.Count("CommitCallbackFailed"), Is.EqualTo(1));
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_full_queue_accepts_every_record_and_holds_readers_until_the_writer_catches_up()
    {
        var release = new ManualResetEventSlim();
        using var writer = CreateStalledWriter(release);
        await writer.StartAsync(CancellationToken.None);
        var total = RecordWriter.QueueCapacity + 1000;

        var accepted = Enumerable.Range(0, total).Count(_ => writer.TryEnqueue(SampleRecords.Full()));
        var room = writer.WaitForRoomAsync(CancellationToken.None);
        var heldWhileFull = !room.IsCompleted;
        release.Set();
        await room.WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(accepted, Is.EqualTo(total), "nothing decided is dropped for lack of room");
            Assert.That(heldWhileFull, Is.True, "a reader waits while the queue is full");
            Assert.That(writer.Dropped, Is.Zero);
            Assert.That(writer.Pauses, Is.EqualTo(1));
            Assert.That(_store.Count(), Is.EqualTo(total));
            Assert.That(_logger.Count("WriterBehind"), Is.EqualTo(1));
        });
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task Readers_waiting_for_room_are_released_when_the_writer_stops()
    {
        var release = new ManualResetEventSlim();
        using var writer = CreateStalledWriter(release);
        await writer.StartAsync(CancellationToken.None);
        for (var i = 0; i < RecordWriter.QueueCapacity; i++)
        {
            writer.TryEnqueue(SampleRecords.Full());
        }

        var room = writer.WaitForRoomAsync(CancellationToken.None);
        var stopping = writer.StopAsync(CancellationToken.None);
        await room.WaitAsync(Timeout);
        release.Set();
        await stopping.WaitAsync(Timeout);

        Assert.That(_store.Count(), Is.EqualTo(RecordWriter.QueueCapacity));
    }

    [Test]
    public async Task Shutdown_gives_up_a_failing_batch_when_the_host_timeout_expires()
    {
        using var writer = CreateWriter(_ => throw new IOException("disk full"));
        await writer.StartAsync(CancellationToken.None);
        writer.TryEnqueue(SampleRecords.Full());

        using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        await writer.StopAsync(timeout.Token).WaitAsync(Timeout);
        await writer.ExecuteTask!.WaitAsync(Timeout);

        Assert.That(writer.Recorded, Is.Zero);
        Assert.That(_logger.Count("DrainAbandoned"), Is.EqualTo(1));
    }

    /// <summary>A writer whose saves wait until <paramref name="release"/> is set, as on a stalled disk.</summary>
    private RecordWriter CreateStalledWriter(ManualResetEventSlim release) => CreateWriter(batch =>
    {
        release.Wait(Timeout);
        _store.Save(batch);
    });

    private RecordWriter CreateWriter(Action<IReadOnlyList<ExecutionRecord>> save, int maxBatchSize = 256) =>
        new(save, new StoreOptions { MaxBatchSize = maxBatchSize }, _logger, TimeProvider.System);
}
