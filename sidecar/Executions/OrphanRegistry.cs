using System.Collections.Concurrent;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Executions;

/// <summary>
/// Executions whose proxy connection was lost, waiting <paramref name="gracePeriod"/> (Tap:Ingest:ResumeGracePeriod) for the same
/// shim to reconnect and replay them. A replayed Start takes its orphan back (the replay rebuilds it from its first
/// frame); an orphan nobody takes back is decided by rule 7 when its grace runs out.
/// </summary>
internal sealed class OrphanRegistry(TimeSpan gracePeriod, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, Orphan> _orphans = new();

    public int Count => _orphans.Count;

    public void Add(ExecutionState state, ClientIdentity client, RawCapture? raw) =>
        _orphans[state.Start.Id] = new Orphan(state, client, raw, time.GetUtcNow() + gracePeriod);

    /// <summary>True when the execution was waiting here: its replay now starts it again.</summary>
    public bool TryAdopt(Guid id) => _orphans.TryRemove(id, out _);

    public List<Orphan> TakeExpired()
    {
        var now = time.GetUtcNow();
        return Take(o => o.Expires <= now);
    }

    public List<Orphan> TakeAll() => Take(_ => true);

    private List<Orphan> Take(Func<Orphan, bool> which)
    {
        var taken = new List<Orphan>();
        foreach (var (id, orphan) in _orphans)
        {
            if (which(orphan) && _orphans.TryRemove(id, out var removed))
            {
                taken.Add(removed);
            }
        }

        return taken;
    }

    internal sealed record Orphan(ExecutionState State, ClientIdentity Client, RawCapture? Raw, DateTimeOffset Expires);
}
