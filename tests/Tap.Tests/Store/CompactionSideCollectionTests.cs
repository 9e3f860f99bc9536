using LiteDB;
using Tap.Sidecar.Cli;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.Store;

/// <summary>
/// A compacted file says what the original said about executions that were never recorded: the shims' loss reports,
/// kept beside the records, are copied as they are, from the file and from a running sidecar alike.
/// </summary>
public sealed class CompactionSideCollectionTests
{
    // More lost executions than one page of side documents holds, so the copy pages.
    private const int LostInOneReport = IRecordSource.MaxSideDocuments * 2 + 50;

    private TempFolder _folder = null!;

    [SetUp]
    public void CreateFolder() => _folder = new TempFolder();

    [TearDown]
    public void DeleteFolder() => _folder.Dispose();

    [Test]
    public async Task Compacting_a_file_keeps_every_loss_report_and_the_counts_they_give()
    {
        var original = FileWithLosses();
        var copy = _folder.File("compact.db");
        await using (var source = new StoreRecordSource(new RecordStore(original, readOnly: true), "test", ownsStore: true))
        {
            await RecordCompactor.CopyAsync(source, copy, null, CancellationToken.None);
        }

        AssertSameSideCollections(original, copy);
    }

    [Test]
    public async Task Compacting_through_a_running_sidecar_keeps_every_loss_report()
    {
        var original = FileWithLosses();
        var copy = _folder.File("compact.db");
        await using (var sidecar = await SidecarProcess.StartAsync(databasePath: original))
        {
            var (exitCode, _, error) = await CliRunner.RunAsync("compact", "--output", copy, "--endpoint", sidecar.PipeName, "--db", original);
            Assert.That(exitCode, Is.EqualTo(ExitCodes.Ok), error);
            var served = await CliRunner.RunJsonAsync("stats", "--json", "--endpoint", sidecar.PipeName, "--db", original);
            Assert.That(served.GetProperty("executions_lost_by_shims").GetInt64(), Is.EqualTo(LostInOneReport - 1 + 7 + 3));
        }

        AssertSameSideCollections(original, copy);
        var fromCopy = await CliRunner.RunJsonAsync("stats", "--json", "--endpoint", TestEndpoints.UniquePipeName(), "--db", copy);
        Assert.That(fromCopy.GetProperty("executions_lost_by_shims").GetInt64(), Is.EqualTo(LostInOneReport - 1 + 7 + 3));
    }

    // One report of many ids (one of them recorded later, so not lost), one with ids it could not keep, and the
    // cumulative count of a shim that predates Loss reports.
    private string FileWithLosses()
    {
        var path = _folder.File("tap.db");
        var gateway = new ClientIdentity { Gateway = "edge-1", Host = "node-7", Process = "gateway", ProcessId = 4242 };
        var lost = Enumerable.Range(0, LostInOneReport).Select(_ => Guid.NewGuid()).ToList();
        var recordedLater = SampleRecords.Full(id: lost[17]);
        using var store = new RecordStore(path);
        store.Save([SampleRecords.Full()], [
            new ShimLossReport(Guid.NewGuid(), "memory_cap", lost, 0, gateway, Guid.NewGuid(), SampleRecords.BaseTime),
            new ShimLossReport(Guid.NewGuid(), "spool_full", [], 7, gateway, Guid.NewGuid(), SampleRecords.BaseTime.AddMinutes(1)),
            new ShimLossReport(null, ShimLossReport.HandshakeReason, [], 3, gateway, null, SampleRecords.BaseTime.AddMinutes(2)),
        ]);
        store.Save([recordedLater]);
        Assert.That(store.ShimLosses(new RecordQuery()).Sum(loss => loss.Count), Is.EqualTo(LostInOneReport - 1 + 7 + 3));
        return path;
    }

    private static void AssertSameSideCollections(string original, string copy)
    {
        var before = SideCollections(original);
        Assert.Multiple(() =>
        {
            Assert.That(before.Keys, Is.EquivalentTo(new[] { "loss_reports", "lost_executions", "shim_losses" }));
            Assert.That(SideCollections(copy), Is.EqualTo(before), "every document of every side collection, value for value");
        });
        Assert.That(Counts(copy), Is.EqualTo(Counts(original)));
    }

    private static List<string> Counts(string path)
    {
        using var store = new RecordStore(path, readOnly: true);
        return [.. store.ShimLosses(new RecordQuery()).Select(loss => $"{loss.Gateway} {loss.Reason} {loss.Count}")];
    }

    private static Dictionary<string, List<string>> SideCollections(string path)
    {
        using var database = new LiteDatabase(new ConnectionString { Filename = path, ReadOnly = true });
        // The cursors stay behind by design: the copy numbers its commits anew (docs/telemetry.md).
        return database.GetCollectionNames().Where(name => name is not ("executions" or "cursors") && !name.StartsWith('$'))
            .ToDictionary(name => name, name => database.GetCollection(name).FindAll().Select(d => LiteDB.JsonSerializer.Serialize(d)).Order(StringComparer.Ordinal).ToList());
    }
}
