using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

public sealed class RetentionServiceTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 15, 0, 0, TimeSpan.Zero);

    private TempFolder _folder = null!;
    private RecordStore _store = null!;
    private RecordWriter _writer = null!;
    private FakeTimeProvider _time = null!;
    private ListLogger<RetentionService> _logger = null!;

    [SetUp]
    public async Task OpenStore()
    {
        _folder = new TempFolder();
        _store = new RecordStore(_folder.File("tap.db"));
        _time = new FakeTimeProvider(Now);
        _logger = new ListLogger<RetentionService>();

        // Retention writes through the record writer, as in the sidecar; the writer's back-off runs on the real clock.
        _writer = new RecordWriter(_store, new StoreOptions(), new ListLogger<RecordWriter>(), TimeProvider.System);
        await _writer.StartAsync(CancellationToken.None);
    }

    [TearDown]
    public async Task CloseStore()
    {
        await _writer.StopAsync(CancellationToken.None);
        _writer.Dispose();
        _store.Dispose();
        _folder.Dispose();
    }

    [Test]
    public async Task Executions_past_the_retention_age_are_deleted()
    {
        var kept = SampleRecords.Full(Now.UtcDateTime.AddDays(-29));
        _store.Save([SampleRecords.Full(Now.UtcDateTime.AddDays(-31)), kept]);

        var result = await Create(new RetentionOptions { RetentionDays = 30 }).RunOnceAsync(CancellationToken.None);

        Assert.That(result.Expired, Is.EqualTo(1));
        Assert.That(_store.Query(new RecordQuery()).Select(r => r.Id), Is.EqualTo(new[] { kept.Id }));
        Assert.That(_logger.Count("RetentionApplied"), Is.EqualTo(1));
    }

    [Test]
    public async Task Zero_days_keeps_everything()
    {
        _store.Save([SampleRecords.Full(Now.UtcDateTime.AddYears(-5))]);

        Assert.That((await Create(new RetentionOptions { RetentionDays = 0 }).RunOnceAsync(CancellationToken.None)).Expired, Is.Zero);
        Assert.That(_store.Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Retention_runs_at_start_and_then_every_interval_of_the_clock()
    {
        using var service = Create(new RetentionOptions { RetentionDays = 1, MaintenanceInterval = TimeSpan.FromMinutes(5) });
        _store.Save([SampleRecords.Full(Now.UtcDateTime.AddDays(-2))]);
        await service.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => _store.Count() == 0, "the first pass ran at start");

        _store.Save([SampleRecords.Full(Now.UtcDateTime.AddHours(-23))]);
        _time.Advance(TimeSpan.FromHours(2));
        await Eventually.TrueAsync(() => _store.Count() == 0, "the pass after the interval deleted the now expired execution");
        await service.StopAsync(CancellationToken.None);
    }

    [Test]
    public async Task Past_the_size_limit_the_oldest_tenth_goes_once_until_the_file_grows_again()
    {
        var records = Enumerable.Range(0, 300).Select(i =>
        {
            var record = SampleRecords.Full(Now.UtcDateTime.AddMinutes(-300 + i));
            record.Response = new string('x', 8000);
            return record;
        }).ToList();
        _store.Save(records);
        var service = Create(new RetentionOptions { RetentionDays = 0, MaxDatabaseMegabytes = 1 });

        var first = await service.RunOnceAsync(CancellationToken.None);
        var second = await service.RunOnceAsync(CancellationToken.None);

        Assert.That(first.Trimmed, Is.EqualTo(30));
        Assert.That(_store.Query(new RecordQuery { Sort = RecordSort.Started, Ascending = true, Limit = 1 }).Single().Id, Is.EqualTo(records[30].Id));
        Assert.That(second.Trimmed, Is.Zero, "freed pages are reused: a file that did not grow is not trimmed again");
    }

    [Test]
    public async Task Every_pass_checkpoints_the_log_file_into_the_data_file()
    {
        var log = _folder.File("tap-log.db");
        _store.Save([.. Enumerable.Range(0, 50).Select(i => SampleRecords.Full(Now.UtcDateTime.AddMinutes(-i)))]);
        Assert.That(new FileInfo(log).Length, Is.GreaterThan(0), "committed pages wait in the log file");

        await Create(new RetentionOptions()).RunOnceAsync(CancellationToken.None);

        Assert.That(File.Exists(log) ? new FileInfo(log).Length : 0, Is.Zero);
        Assert.That(_store.Count(), Is.EqualTo(50));
    }

    private RetentionService Create(RetentionOptions options) => new(
        Options.Create(options),
        Options.Create(new StoreOptions { DatabasePath = _folder.File("tap.db") }),
        _store,
        _writer,
        _time,
        _logger);
}
