using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>What <c>tap show</c> prints: the record with its decision trace, then the other attempts of its request.</summary>
internal static class ShowOutput
{
    public static void Write(TextWriter output, RecordLookup lookup, bool json, bool fullBody)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(lookup);
        if (json)
        {
            // The record's own shape, plus "attempts": scripts written against show --json keep working.
            var root = JsonNode.Parse(RecordJson.Serialize(lookup.Record))!.AsObject();
            root["attempts"] = new JsonArray([.. lookup.Attempts.Select(Summary)]);
            output.WriteLine(root.ToJsonString(new System.Text.Json.JsonSerializerOptions
            {
                WriteIndented = true,
                Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            }));
            return;
        }

        var console = TapConsole.Create(output);
        RecordPrinter.PrintDetail(console, lookup.Record, fullBody);
        if (lookup.Attempts.Count == 0)
        {
            return;
        }

        console.Write(new Rule("other attempts of request " + lookup.Record.RequestId).LeftJustified());
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(RecordPrinter.Column("#").RightAligned())
            .AddColumn(RecordPrinter.Column("id"))
            .AddColumn(RecordPrinter.Column("started UTC"))
            .AddColumn(RecordPrinter.Column("status"))
            .AddColumn(RecordPrinter.Column("reason"))
            .AddColumn(RecordPrinter.Column("ms").RightAligned());
        foreach (var attempt in lookup.Attempts)
        {
            table.AddRow(
                RecordPrinter.Cell(attempt.Attempt.ToString(CultureInfo.InvariantCulture)),
                RecordPrinter.Cell(RecordPrinter.ShortId(attempt.Id)),
                RecordPrinter.Cell(RecordPrinter.FormatTime(attempt.StartedAt)),
                RecordPrinter.Cell(attempt.Status),
                RecordPrinter.Cell(attempt.Reason),
                RecordPrinter.Cell(RecordPrinter.FormatMs(attempt.LatencyMs)));
        }

        console.Write(table);
    }

    private static JsonObject Summary(ExecutionRecord attempt) => new()
    {
        ["id"] = attempt.Id.ToString("D"),
        ["attempt"] = attempt.Attempt,
        ["started_at"] = attempt.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        ["status"] = attempt.Status,
        ["reason"] = attempt.Reason,
        ["latency_ms"] = attempt.LatencyMs,
    };
}
