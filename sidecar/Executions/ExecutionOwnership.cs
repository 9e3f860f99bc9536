using Tap.Sidecar.Records;

namespace Tap.Sidecar.Executions;

/// <summary>
/// Which connection holds each execution in flight, sidecar-wide (docs/protocol.md, "Ownership"). An execution
/// belongs to the shim instance that started it: a Start from the same instance on another connection takes it over
/// at once, a Start for an orphan (its connection gone) adopts it whoever sends it, and any other Start is refused.
/// Every change of hands happens under one lock, together with the move into <see cref="OrphanRegistry"/>, so a stale
/// connection that closes while its execution is taken over can never leave an orphan behind to overwrite the replay.
/// </summary>
internal sealed class ExecutionOwnership(OrphanRegistry orphans)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Claim> _live = [];

    /// <summary>Executions held by a live connection.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _live.Count;
            }
        }
    }

    /// <summary>Claims <paramref name="id"/> for <paramref name="claim"/>'s connection; on <see cref="ClaimOutcome.Owned"/>, <paramref name="owner"/> is the holder.</summary>
    public ClaimOutcome TryClaim(Guid id, Claim claim, out Claim? owner)
    {
        lock (_gate)
        {
            if (_live.TryGetValue(id, out owner))
            {
                if (claim.Instance is not { } instance || owner.Instance != instance)
                {
                    return ClaimOutcome.Owned;
                }

                owner.TakenOver = true;
                _live[id] = claim;
                return ClaimOutcome.TakenOver;
            }

            _live.Add(id, claim);
            return orphans.TryAdopt(id) ? ClaimOutcome.Adopted : ClaimOutcome.Fresh;
        }
    }

    /// <summary>The execution ended on its connection: true when that connection still owned it (and so records it).</summary>
    public bool Release(Guid id, Claim claim)
    {
        lock (_gate)
        {
            return !claim.TakenOver && _live.Remove(id);
        }
    }

    /// <summary>
    /// The connection is gone before the execution's End: it waits in <see cref="OrphanRegistry"/> for its shim,
    /// unless another connection of the same instance has already taken it over. False when it was taken over.
    /// </summary>
    public bool Orphan(Guid id, Claim claim, ExecutionState state, ClientIdentity client, RawCapture? raw)
    {
        lock (_gate)
        {
            if (claim.TakenOver || !_live.Remove(id))
            {
                return false;
            }

            orphans.Add(state, client, raw);
            return true;
        }
    }

    /// <summary>One connection's hold on one execution.</summary>
    internal sealed class Claim(long connectionId, Guid? instance)
    {
        private bool _takenOver;

        public long ConnectionId { get; } = connectionId;

        /// <summary>The shim instance of the connection; null from shims that predate <c>instance_id</c>.</summary>
        public Guid? Instance { get; } = instance;

        /// <summary>Set, under the lock, when the same instance's replay on a newer connection took the execution.</summary>
        public bool TakenOver
        {
            get => Volatile.Read(ref _takenOver);
            set => Volatile.Write(ref _takenOver, value);
        }
    }
}
