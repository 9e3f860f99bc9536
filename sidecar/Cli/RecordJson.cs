using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Cli;

/// <summary>
/// The JSON shape of execution records printed by the CLI (<c>list --json</c>, <c>show --json</c>, <c>replay --json</c>):
/// snake_case names, strings for statuses and enums, dates as ISO-8601 UTC with 'Z', nulls kept so every record has every key.
/// </summary>
internal static partial class RecordJson
{
    // Output for terminals, files and jq, never embedded in HTML: '+' and non-ASCII text stay readable.
    private static readonly RecordJsonContext Context = new(new JsonSerializerOptions(RecordJsonContext.Default.Options)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });

    public static void Write(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(record, Context.ExecutionRecord));
    }

    public static void Write(TextWriter output, IReadOnlyList<ExecutionRecord> records)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine(JsonSerializer.Serialize(records, Context.IReadOnlyListExecutionRecord));
    }

    /// <summary>Writes every date as UTC, whatever its Kind: records hold UTC, but a local time must not print as if it were.</summary>
    private sealed class UtcDateTimeConverter : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetDateTimeOffset().UtcDateTime;

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
        {
            var utc = value.Kind switch
            {
                DateTimeKind.Local => value.ToUniversalTime(),
                DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
                _ => value,
            };
            writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        }
    }

    [JsonSourceGenerationOptions(
        PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
        UseStringEnumConverter = true,
        Converters = [typeof(UtcDateTimeConverter)])]
    [JsonSerializable(typeof(ExecutionRecord))]
    [JsonSerializable(typeof(IReadOnlyList<ExecutionRecord>))]
    private sealed partial class RecordJsonContext : JsonSerializerContext;
}
