using System.Globalization;
using System.Text;
using System.Text.Json;
using Tap.Soak.Load;

namespace Tap.Soak.Results;

/// <summary>
/// What one run served against what the database holds, by request id: lost (served, never recorded), duplicated
/// (recorded twice for one attempt), wrong status, what <c>tap stats</c> says was lost, and the gateway's errors.
/// </summary>
internal sealed record SoakSummary
{
    public required string Scenario { get; init; }
    public required string Timeline { get; init; }
    public int Sent { get; init; }
    public int ReadInFull { get; init; }
    public int Aborted { get; init; }
    public int Served => ReadInFull + Aborted;
    public int Records { get; init; }
    public int Lost { get; init; }
    public int LostReadInFull { get; init; }
    public int Duplicated { get; init; }
    public int WrongStatus { get; init; }
    public int RecordedNotServed { get; init; }
    public int GatewayErrors { get; init; }
    public int TransportErrors { get; init; }
    public long? StatsLost { get; init; }
    public string StatsLostFields { get; init; } = "";
    public IReadOnlyList<string> WrongStatusSamples { get; init; } = [];
    public IReadOnlyList<string> GatewayErrorSamples { get; init; } = [];
    public IReadOnlyDictionary<string, int> StatusCounts { get; init; } = new Dictionary<string, int>();
    public IReadOnlyDictionary<string, int> WrongStatusCounts { get; init; } = new Dictionary<string, int>();

    /// <summary>Nothing lost, duplicated or misstated, the gateway never failed a client because of Tap, and tap stats agrees.</summary>
    public bool Clean => Lost == 0 && Duplicated == 0 && WrongStatus == 0 && GatewayErrors == 0 && TransportErrors == 0 && StatsLost == Lost;

    public static SoakSummary Compute(string scenario, string timeline, IReadOnlyCollection<ServedRequest> served, IReadOnlyList<RecordLine> records, (JsonElement? Json, string Failure) stats)
    {
        var byRequest = records.Where(r => r.RequestId is not null).GroupBy(r => r.RequestId!).ToDictionary(g => g.Key, g => g.ToList());
        var answered = served.Where(s => s.Outcome is ServedOutcome.ReadInFull or ServedOutcome.Aborted).ToList();
        var lost = answered.Where(s => !byRequest.ContainsKey(s.RequestId)).ToList();
        var wrong = new List<(ServedRequest Request, RecordLine Record)>();
        foreach (var request in answered)
        {
            if (byRequest.TryGetValue(request.RequestId, out var found) && found.FirstOrDefault(r => r.Attempt == 1) is { } record && !Expected(request).Contains(record.Status))
            {
                wrong.Add((request, record));
            }
        }

        var sentIds = served.Select(s => s.RequestId).ToHashSet(StringComparer.Ordinal);
        var errors = served.Where(s => s.Outcome == ServedOutcome.GatewayError).ToList();
        var transport = served.Where(s => s.Outcome == ServedOutcome.TransportError).ToList();
        var (statsLost, fields) = LostFromStats(stats);
        return new SoakSummary
        {
            Scenario = scenario,
            Timeline = timeline,
            Sent = served.Count,
            ReadInFull = answered.Count(s => s.Outcome == ServedOutcome.ReadInFull),
            Aborted = answered.Count(s => s.Outcome == ServedOutcome.Aborted),
            Records = records.Count,
            Lost = lost.Count,
            LostReadInFull = lost.Count(s => s.Outcome == ServedOutcome.ReadInFull),
            Duplicated = byRequest.Values.Count(g => g.GroupBy(r => r.Attempt).Any(a => a.Count() > 1)),
            WrongStatus = wrong.Count,
            RecordedNotServed = byRequest.Keys.Count(id => !sentIds.Contains(id)),
            GatewayErrors = errors.Count,
            TransportErrors = transport.Count,
            StatsLost = statsLost,
            StatsLostFields = fields,
            WrongStatusSamples = [.. wrong.Take(5).Select(w => $"{w.Request.RequestId} ({w.Request.Kind}, {w.Request.Outcome}): {w.Record.Status} / {w.Record.Reason}")],
            GatewayErrorSamples = [.. errors.Concat(transport).Take(5).Select(e => $"{e.RequestId} ({e.Format}, {e.Kind}): {e.Detail}")],
            StatusCounts = records.GroupBy(r => r.Status).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
            WrongStatusCounts = wrong.GroupBy(w => $"{w.Request.Outcome} → {w.Record.Status}/{w.Record.Reason}").OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => g.Count()),
        };
    }

    /// <summary>docs/outcomes.md: read in full is completed (failed for a provider error); a client that left is canceled, or completed when the proof came first.</summary>
    private static string[] Expected(ServedRequest request) => (request.Kind, request.Outcome) switch
    {
        (RequestKind.UpstreamFailure, _) => ["failed"],
        (_, ServedOutcome.Aborted) => ["canceled", "completed"],
        _ => ["completed"],
    };

    // The stats' loss fields by name, so a sidecar that reports loss in more detail is still read.
    private static (long? Lost, string Fields) LostFromStats((JsonElement? Json, string Failure) stats)
    {
        if (stats.Json is not { ValueKind: JsonValueKind.Object } root)
        {
            return (null, stats.Failure.Length > 0 ? stats.Failure : "tap stats did not answer");
        }

        var fields = root.EnumerateObject().Where(p => p.Name.Contains("lost", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.Number).ToList();
        var main = fields.FirstOrDefault(p => p.Name == "executions_lost_by_shims");
        var lost = main.Value.ValueKind == JsonValueKind.Number ? main.Value.GetInt64() : fields.Sum(p => p.Value.GetInt64());
        return (lost, string.Join(", ", fields.Select(p => $"{p.Name} {p.Value}")));
    }

    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"== soak {Scenario}: {(Clean ? "CLEAN" : "LOSSES OR ERRORS")}");
        text.AppendLine(c, $"  timeline           {Timeline}");
        text.AppendLine(c, $"  sent               {Sent:N0} requests");
        text.AppendLine(c, $"  served             {Served:N0} ({ReadInFull:N0} read in full, {Aborted:N0} aborted by their client)");
        text.AppendLine(c, $"  recorded           {Records:N0} records ({string.Join(", ", StatusCounts.Select(p => $"{p.Key} {p.Value:N0}"))})");
        text.AppendLine(c, $"  lost               {Lost:N0} served with no record ({LostReadInFull:N0} of them read in full)");
        text.AppendLine(c, $"  duplicated         {Duplicated:N0} request ids recorded twice for one attempt");
        text.AppendLine(c, $"  wrong status       {WrongStatus:N0}{(WrongStatusCounts.Count > 0 ? " (" + string.Join(", ", WrongStatusCounts.Select(p => $"{p.Key} {p.Value}")) + ")" : "")}");
        text.AppendLine(c, $"  tap stats lost     {(StatsLost is { } s ? s.ToString("N0", c) : "?")} ({StatsLostFields})");
        text.AppendLine(c, $"  gateway errors     {GatewayErrors:N0} (non-200 or wrong body), transport errors {TransportErrors:N0}");
        text.AppendLine(c, $"  recorded, not sent {RecordedNotServed:N0}");
        foreach (var sample in WrongStatusSamples.Concat(GatewayErrorSamples))
        {
            text.AppendLine(c, $"    e.g. {sample}");
        }

        return text.ToString();
    }
}
