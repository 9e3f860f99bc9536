using System.Globalization;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Replay;

/// <summary>A decision field whose value the current rules give differently from the recorded one.</summary>
internal sealed record RecordDifference(string Field, string? Recorded, string? Now)
{
    /// <summary>The fields that say what was decided and why; times and counts follow from the same bytes.</summary>
    public static IReadOnlyList<RecordDifference> Between(ExecutionRecord recorded, ExecutionRecord now)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(now);
        (string Field, Func<ExecutionRecord, string?> Value)[] fields =
        [
            ("status", r => r.Status),
            ("reason", r => r.Reason),
            ("rule", r => r.Rule.ToString(CultureInfo.InvariantCulture)),
            ("proof", r => r.Proof),
            ("explanation", r => r.Explanation),
            ("error_message", r => r.ErrorMessage),
            ("finish_reason", r => r.FinishReason),
            ("usage", r => r.Usage is { } u ? string.Create(CultureInfo.InvariantCulture, $"{u.Input}/{u.Output}/{u.Total} ({u.Source})") : null),
            ("response_model", r => r.ResponseModel),
            ("response", r => r.Response),
        ];
        return [.. fields
            .Select(f => new RecordDifference(f.Field, f.Value(recorded), f.Value(now)))
            .Where(d => !string.Equals(d.Recorded, d.Now, StringComparison.Ordinal))];
    }
}
