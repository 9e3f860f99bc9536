using System.Text.Json;

namespace Tap.Soak.Results;

/// <summary>The fields of an exported record the soak checks; the rest of the record is not its business.</summary>
internal sealed record RecordLine(string? RequestId, int Attempt, string Status, string Reason, IReadOnlyList<string> Notes)
{
    public static RecordLine Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new RecordLine(
            root.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null,
            root.TryGetProperty("attempt", out var attempt) && attempt.ValueKind == JsonValueKind.Number ? attempt.GetInt32() : 1,
            root.GetProperty("status").GetString() ?? "",
            root.TryGetProperty("reason", out var reason) ? reason.GetString() ?? "" : "",
            root.TryGetProperty("notes", out var notes) && notes.ValueKind == JsonValueKind.Array ? [.. notes.EnumerateArray().Select(n => n.ToString())] : []);
    }
}
