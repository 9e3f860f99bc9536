using Tap.Protocol;

namespace Tap.Shim.Delivery;

/// <summary>
/// Executions dropped whole, by reason, until the loop turns them into Loss messages (docs/protocol.md, "7 Loss") on
/// the next connection. At most <see cref="MaxIds"/> ids are kept; further drops are reported as uncounted.
/// </summary>
internal sealed class LossReports
{
    public const int MaxIds = 64 * 1024;

    // bin8(16) per id, plus the message's own fields with room to spare.
    private const int BytesPerId = 2 + ProtocolConstants.ExecutionIdBytes;
    private const int MessageOverhead = 128;
    private readonly Dictionary<string, List<Guid>> _ids = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _uncounted = new(StringComparer.Ordinal);
    private int _kept;

    public bool Pending => _ids.Count > 0 || _uncounted.Count > 0;

    public void Add(string reason, Guid id)
    {
        if (_kept >= MaxIds)
        {
            _uncounted[reason] = _uncounted.GetValueOrDefault(reason) + 1;
            return;
        }

        if (!_ids.TryGetValue(reason, out var ids))
        {
            _ids[reason] = ids = [];
        }

        ids.Add(id);
        _kept++;
    }

    /// <summary>Everything pending as Loss messages that each fit a frame of <paramref name="maxFrameBytes"/>.</summary>
    public List<LossMessage> Take(int maxFrameBytes, long now)
    {
        var perMessage = Math.Max(1, (maxFrameBytes - MessageOverhead) / BytesPerId);
        var messages = new List<LossMessage>();
        foreach (var reason in _ids.Keys.Union(_uncounted.Keys).ToList())
        {
            var ids = _ids.GetValueOrDefault(reason) ?? [];
            var uncounted = _uncounted.GetValueOrDefault(reason);
            for (var i = 0; i == 0 || i < ids.Count; i += perMessage)
            {
                messages.Add(new LossMessage
                {
                    ExecutionId = ExecutionIds.ToBytes(Guid.NewGuid()),
                    Timestamp = now,
                    Reason = reason,
                    ExecutionIds = ids.Skip(i).Take(perMessage).Select(ExecutionIds.ToBytes).ToArray(),
                    Uncounted = i == 0 ? uncounted : 0,
                });
            }
        }

        _ids.Clear();
        _uncounted.Clear();
        _kept = 0;
        return messages;
    }
}
