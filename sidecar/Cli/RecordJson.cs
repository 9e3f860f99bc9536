using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>
/// The JSON shape of execution records printed by the CLI (<c>list --json</c>, <c>show --json</c>, <c>replay --json</c>,
/// <c>export</c>): snake_case names, strings for statuses and enums, dates as ISO-8601 UTC with 'Z', nulls kept so every
/// record has every key.
/// </summary>
internal static partial class RecordJson
{
    // Output for terminals, files and jq, never embedded in HTML: '+' and non-ASCII text stay readable.
    private static readonly JsonSerializerOptions Indented = new(RecordJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = RecordJsonContext.Default.WithAddedModifier(LeaveOutCommit),
    };

    // One record per line for jq and log shippers.
    private static readonly JsonSerializerOptions Compact = new(Indented) { WriteIndented = false };

    public static void Write(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Serialize(record));
    }

    public static void Write(TextWriter output, IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(records, Indented));
    }

    /// <summary>One record on one line (JSON Lines).</summary>
    public static void WriteLine(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(record, Compact));
    }

    public static string Serialize(ExecutionRecord record) => JsonSerializer.Serialize(record, Indented);

    public static string Serialize(RecordStats stats) => JsonSerializer.Serialize(stats, Indented);

    // The commit is the store's bookkeeping: the control protocol carries it (tap tail's cursor), a printed record does not.
    private static void LeaveOutCommit(JsonTypeInfo type)
    {
        if (type.Type == typeof(ExecutionRecord))
        {
            var commit = type.Properties.Single(p => p.Name == "commit");
            type.Properties.Remove(commit);
        }
    }

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UseStringEnumConverter = true,
        Converters = [typeof(UtcDateTimeJsonConverter)])]
    [JsonSerializable(typeof(ExecutionRecord))]
    [JsonSerializable(typeof(IReadOnlyList<ExecutionRecord>))]
    [JsonSerializable(typeof(RecordStats))]
    private sealed partial class RecordJsonContext : JsonSerializerContext;
}
