using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>The work a record needs before its save (tokenizing an estimate) runs on the writer, never on a connection's read loop.</summary>
public sealed class RecordWriterPrepareTests
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
    public async Task A_records_preparation_runs_once_on_the_writers_thread_before_its_save_even_when_the_save_is_retried()
    {
        var saves = 0;
        using var writer = CreateWriter(batch =>
        {
            if (++saves == 1)
            {
                throw new IOException("No space left on device");
            }

            _store.Save(batch);
        });
        var record = SampleRecords.Full();
        record.Usage = null;
        var prepared = 0;
        var enqueuingThread = Environment.CurrentManagedThreadId;
        var preparedOn = 0;

        writer.TryEnqueue(record, prepare: r =>
        {
            Interlocked.Increment(ref prepared);
            preparedOn = Environment.CurrentManagedThreadId;
            r.Usage = new UsageEntry { Output = 42, Source = "estimated" };
        });
        await writer.StartAsync(CancellationToken.None);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.Multiple(() =>
        {
            Assert.That(_store.Find(record.Id.ToString())!.Usage?.Output, Is.EqualTo(42));
            Assert.That((prepared, saves), Is.EqualTo((1, 2)));
            Assert.That(preparedOn, Is.Not.EqualTo(enqueuingThread));
        });
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task A_throwing_preparation_is_logged_and_its_record_is_saved_as_it_is()
    {
        using var writer = CreateWriter(_store.Save);
        await writer.StartAsync(CancellationToken.None);
        var record = SampleRecords.Full();

        writer.TryEnqueue(record, prepare: _ => throw new InvalidOperationException("a tokenizer bug"));
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.That(_store.Find(record.Id.ToString()), Is.Not.Null);
        Assert.That(_logger.Count("PrepareFailed"), Is.EqualTo(1));
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task Readers_wait_while_the_preparations_waiting_for_the_writer_are_at_their_cap()
    {
        var release = new ManualResetEventSlim();
        using var writer = CreateWriter(batch =>
        {
            release.Wait(Timeout);
            _store.Save(batch);
        });
        for (var i = 0; i < LongSamplesAtTheCap; i++)
        {
            writer.TryEnqueue(SampleRecords.Full(), prepare: _ => { }, prepareChars: LongestSample);
        }

        var room = writer.WaitForRoomAsync(CancellationToken.None);
        var heldAtTheCap = !room.IsCompleted;
        await writer.StartAsync(CancellationToken.None);
        release.Set();
        await room.WaitAsync(Timeout);
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.That(heldAtTheCap, Is.True, "64 samples of 256 K characters are the most that wait");
        Assert.That(_store.Count(), Is.EqualTo(LongSamplesAtTheCap));
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Test]
    public async Task Many_short_preparations_waiting_for_the_writer_do_not_pause_the_readers()
    {
        var release = new ManualResetEventSlim();
        using var writer = CreateWriter(batch =>
        {
            release.Wait(Timeout);
            _store.Save(batch);
        });
        for (var i = 0; i < 1_000; i++)
        {
            writer.TryEnqueue(SampleRecords.Full(), prepare: _ => { }, prepareChars: 200);
        }

        var room = writer.WaitForRoomAsync(CancellationToken.None);
        var roomAtOnce = room.IsCompleted;
        await writer.StartAsync(CancellationToken.None);
        release.Set();
        await writer.FlushAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.That(roomAtOnce, Is.True, "1,000 estimates of 200 characters hold 200 K characters, far below the cap");
        Assert.That(_store.Count(), Is.EqualTo(1_000));
        await writer.StopAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    private const int LongestSample = 256 * 1024;

    private const int LongSamplesAtTheCap = RecordWriter.PrepareCapacity / LongestSample;

    private RecordWriter CreateWriter(Action<IReadOnlyList<ExecutionRecord>> save) =>
        new(save, new StoreOptions(), _logger, TimeProvider.System);
}
