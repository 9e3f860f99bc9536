using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
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
    private static readonly RecordJsonContext Context = new(new JsonSerializerOptions(RecordJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    // One record per line for jq and log shippers.
    private static readonly RecordJsonContext Compact = new(new JsonSerializerOptions(Context.Options) { WriteIndented = false });

    public static void Write(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(Serialize(record));
    }

    public static void Write(TextWriter output, IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(records, Context.IReadOnlyListExecutionRecord));
    }

    /// <summary>One record on one line (JSON Lines).</summary>
    public static void WriteLine(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(record, Compact.ExecutionRecord));
    }

    public static string Serialize(ExecutionRecord record) => JsonSerializer.Serialize(record, Context.ExecutionRecord);

    public static string Serialize(RecordStats stats) => JsonSerializer.Serialize(stats, Context.RecordStats);

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
