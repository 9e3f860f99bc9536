using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Tap.Sidecar.Records;

/// <summary>
/// Writes every date as ISO-8601 UTC with milliseconds and 'Z', whatever its Kind: records hold UTC, but a local time
/// must not print as if it were. Milliseconds are LiteDB's precision, so a record read back over JSON is the stored one.
/// </summary>
internal sealed class UtcDateTimeJsonConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset().UtcDateTime;

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        writer.WriteStringValue(utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
    }
}
