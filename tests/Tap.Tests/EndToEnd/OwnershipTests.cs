using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tap.Protocol;
using Tap.Sidecar.Executions;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Records;
using Tap.Sidecar.Store;
using Tap.Tests.Support;

namespace Tap.Tests.EndToEnd;

/// <summary>
/// An execution belongs to the shim instance that started it (docs/protocol.md, "Ownership"), and a stored record is
/// never replaced by a report with less evidence (docs/reliability.md, "Replacing a record"). Raw frames over the real
/// pipe against the real in-process sidecar and LiteDB file.
/// </summary>
public class OwnershipTests
{
    private static readonly Dictionary<string, string?> ShortGrace = new() { ["Tap:Ingest:ResumeGracePeriod"] = "00:00:00.200" };

    [Test]
    public async Task Replay_on_a_new_connection_while_the_old_one_is_open_is_recorded_once_and_never_overwritten_by_the_stale_orphan()
    {
        var log = new ListLogger<PipeListener>();
        await using var sidecar = await SidecarProcess.StartAsync(settings: ShortGrace, configure: services => services.AddSingleton<ILogger<PipeListener>>(log));
        var instance = Guid.NewGuid();
        var id = Guid.NewGuid();
        var stale = await RawShim.ConnectAsync(sidecar.PipeName, instance);
        await stale.SendAsync(RawShim.Execution(id, "replayed", complete: false));

        // The shim gave up on the first connection without closing it, and replays on a second one.
        await using var fresh = await RawShim.ConnectAsync(sidecar.PipeName, instance);
        await fresh.SendAsync(RawShim.Execution(id, "replayed"));
        await fresh.WaitForAcksAsync([id]);

        // The stale connection's late frames for it are ignored, not an offence; it goes on serving other executions.
        var other = Guid.NewGuid();
        var late = RawShim.Execution(id, "replayed");
        await stale.SendAsync([late[3], late[4], late[5], .. RawShim.Execution(other, "other")]);
        await stale.WaitForAcksAsync([other]);
        Assert.That(stale.Acknowledged, Does.Not.Contain(id), "only the owner acknowledges it");

        // Closed only after the replay's End: the case that used to leave an orphan behind, whose expiry overwrote the record.
        await stale.DisposeAsync();
        await Eventually.TrueAsync(() => log.Count("ConnectionClosed") == 1, "the stale connection is closed");
        var orphans = sidecar.Services.GetRequiredService<OrphanRegistry>();
        Assert.That(orphans.Count, Is.Zero, "the takeover cancelled the stale connection's grace period");
        await sidecar.Services.GetRequiredService<RecordWriter>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var record = sidecar.Records.Query(new RecordQuery { RequestId = "replayed" }).Single();
        Assert.Multiple(() =>
        {
            Assert.That((record.Status, record.Reason), Is.EqualTo(("completed", "terminal_event")), record.Explanation);
            Assert.That(record.Notes, Has.Some.Contains("while its earlier connection").And.Contains("took it over"));
            Assert.That(stale.Error, Is.Null);
        });
    }

    [Test]
    public async Task Thousand_executions_whose_connection_drops_and_that_are_replayed_at_once_are_all_recorded_with_their_true_status()
    {
        const int count = 1000;
        await using var sidecar = await SidecarProcess.StartAsync();
        var instance = Guid.NewGuid();
        var ids = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToList();
        var first = await RawShim.ConnectAsync(sidecar.PipeName, instance);
        await first.SendAsync(ids.SelectMany((id, i) => RawShim.Execution(id, $"drop-{i}", complete: false)));

        // The connection drops under the shim; it reconnects at once and replays every execution from its start. The
        // sidecar may notice the drop before or after the replay arrives: both orders must end the same way.
        var watch = Stopwatch.StartNew();
        await first.DisposeAsync();
        await using var replay = await RawShim.ConnectAsync(sidecar.PipeName, instance);
        await replay.SendAsync(ids.SelectMany((id, i) => RawShim.Execution(id, $"drop-{i}")));
        await replay.WaitForAcksAsync(ids, TimeSpan.FromSeconds(60));
        var replayed = watch.Elapsed;

        var orphans = sidecar.Services.GetRequiredService<OrphanRegistry>();
        await Eventually.TrueAsync(() => orphans.Count == 0, "no orphan is left waiting");
        await sidecar.Services.GetRequiredService<RecordWriter>().FlushAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var records = sidecar.Records.Query(new RecordQuery { Limit = 10_000 });
        TestContext.Out.WriteLine($"{count} executions replayed and acknowledged in {replayed.TotalMilliseconds:0} ms; " +
            $"{records.Count} records, {records.Count(r => r.Status == "completed")} completed, " +
            $"{records.Count(r => r.Notes.Exists(n => n.StartsWith("Replaces", StringComparison.Ordinal)))} replaced an earlier record");
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Count.EqualTo(count));
            Assert.That(records.Select(r => r.Status), Is.All.EqualTo("completed"));
            Assert.That(replay.Error, Is.Null);
        });
    }

    [Test]
    public async Task Start_from_a_foreign_instance_for_a_live_execution_is_refused_with_execution_owned()
    {
        var log = new ListLogger<PipeListener>();
        await using var sidecar = await SidecarProcess.StartAsync(configure: services => services.AddSingleton<ILogger<PipeListener>>(log));
        var id = Guid.NewGuid();
        await using var owner = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid());
        var frames = RawShim.Execution(id, "owned");
        await owner.SendAsync(frames[..3]);

        await using var foreign = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid());
        await foreign.SendAsync(RawShim.Execution(id, "forged", complete: false));
        await using var unnamed = await RawShim.ConnectAsync(sidecar.PipeName, instance: null);
        await unnamed.SendAsync(RawShim.Execution(id, "forged", complete: false));
        await Eventually.TrueAsync(() => foreign.Closed && unnamed.Closed, "the sidecar closes both offending connections");

        await owner.SendAsync(frames[3..]);
        await owner.WaitForAcksAsync([id]);
        var record = sidecar.Records.Query(new RecordQuery { Limit = 10 }).Single();
        Assert.Multiple(() =>
        {
            Assert.That(foreign.Error?.Code, Is.EqualTo(ProtocolErrorCodes.ExecutionOwned));
            Assert.That(unnamed.Error?.Code, Is.EqualTo(ProtocolErrorCodes.ExecutionOwned));
            Assert.That(foreign.Error?.Message, Does.Contain(id.ToString()));
            Assert.That(log.Count("ExecutionOwned"), Is.EqualTo(2));
            Assert.That((record.RequestId, record.Status), Is.EqualTo(("owned", "completed")), "the owner's execution is untouched");
            Assert.That(owner.Error, Is.Null);
        });
    }

    [Test]
    public async Task Rule_7_decision_never_replaces_a_record_decided_at_End()
    {
        await using var sidecar = await SidecarProcess.StartAsync(settings: ShortGrace);
        var orphans = sidecar.Services.GetRequiredService<OrphanRegistry>();
        var writer = sidecar.Services.GetRequiredService<RecordWriter>();
        var recorded = Guid.NewGuid();
        await using (var shim = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            await shim.SendAsync(RawShim.Execution(recorded, "decided-at-end"));
            await shim.WaitForAcksAsync([recorded]);
        }

        // Anyone may start an execution that is no longer in flight: a late (or forged) partial report of it is then
        // decided by rule 7 when its connection is gone and its grace period runs out. And the other way round: an
        // execution abandoned first, then replayed with its End.
        var abandoned = Guid.NewGuid();
        var ownership = sidecar.Services.GetRequiredService<ExecutionOwnership>();
        await using (var late = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            await late.SendAsync([.. RawShim.Execution(recorded, "late-partial", complete: false), .. RawShim.Execution(abandoned, "abandoned-first", complete: false)]);
            await Eventually.TrueAsync(() => ownership.Count == 2, "both partial Starts are taken");
        }

        await Eventually.TrueAsync(() => writer.Recorded == 3, "both orphans' grace periods ran out and their rule-7 reports reached the store");
        Assert.That(orphans.Count, Is.Zero);
        Assert.That(sidecar.Records.Find(abandoned.ToString())?.Reason, Is.EqualTo("proxy_connection_lost"));
        await using (var replay = await RawShim.ConnectAsync(sidecar.PipeName, Guid.NewGuid()))
        {
            await replay.SendAsync(RawShim.Execution(abandoned, "abandoned-first"));
            await replay.WaitForAcksAsync([abandoned]);
        }

        var kept = sidecar.Records.Find(recorded.ToString())!;
        var replaced = sidecar.Records.Find(abandoned.ToString())!;
        Assert.Multiple(() =>
        {
            Assert.That((kept.RequestId, kept.Status, kept.Reason), Is.EqualTo(("decided-at-end", "completed", "terminal_event")), "the record decided at End stays");
            Assert.That((replaced.Status, replaced.Reason), Is.EqualTo(("completed", "terminal_event")), "the End decision replaces the rule-7 one");
            Assert.That(replaced.Notes, Has.Some.StartsWith("Replaces an earlier record abandoned / proxy_connection_lost decided without the execution's End"));
        });
    }
}
