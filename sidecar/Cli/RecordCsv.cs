using System.Globalization;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>
/// Records as CSV (RFC 4180 quoting: a field with a comma, quote or line break is quoted; lines end with LF), one row per
/// execution with the fields a spreadsheet filters on; <c>tap show --json</c> has the rest.
/// </summary>
internal static class RecordCsv
{
    public const string Header =
        "id,request_id,attempt,started_at,status,reason,rule,proof,format,route,provider,model,gateway,upstream_status,"
        + "input_tokens,output_tokens,total_tokens,usage_source,latency_ms,ttfb_ms,ttft_ms,bytes,error_message,"
        + "cost,cost_currency,cost_source";

    public static void WriteHeader(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(Header + "\n");
    }

    public static void WriteRow(TextWriter output, ExecutionRecord record)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(record);
        string?[] fields =
        [
            record.Id.ToString("D"), record.RequestId, Number(record.Attempt),
            record.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            record.Status, record.Reason, Number(record.Rule), record.Proof, record.Format, record.Route, record.Provider,
            record.Model, record.Client.Gateway, Number(record.UpstreamStatus),
            Number(record.Usage?.Input), Number(record.Usage?.Output), Number(record.Usage?.Total), record.Usage?.Source,
            Number(record.LatencyMs), Number(record.TimeToFirstByteMs), Number(record.TimeToFirstTokenMs), Number(record.ByteCount),
            record.ErrorMessage,
            record.Cost is { } cost ? Money.Exact(cost.Total) : null, record.Cost?.Currency, record.Cost?.Source,
        ];
        output.Write(string.Join(',', fields.Select(Quote)) + "\n");
    }

    private static string? Number<T>(T? value)
        where T : struct, IFormattable => value?.ToString(null, CultureInfo.InvariantCulture);

    private static string Number<T>(T value)
        where T : struct, IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static string Quote(string? field) =>
        field is null ? ""
        : field.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : field;
}
