using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using Tap.Sidecar.Replay;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap replay ID</c>: re-decides a recorded execution from its raw chunks and prints the differences.</summary>
internal static class RerunCommand
{
    public static Task<int> RunAsync(ParseResult result, CliContext context, string id, bool json, CancellationToken cancellationToken) =>
        CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var error = result.InvocationConfiguration.Error;
            if (await source.FindAsync(id, cancellationToken) is not { Record: var recorded })
            {
                await error.WriteLineAsync($"No execution with id '{id}'.");
                return ExitCodes.NotFound;
            }

            if (RecordReplayer.Rerun(recorded) is not { } now)
            {
                await error.WriteLineAsync(recorded.RawChunksTruncated
                    ? $"The raw chunks of {recorded.Id} were cut at Tap:Store:MaxRawChunkBytes: it cannot be re-decided."
                    : recorded.RawChunks is null
                        ? $"No raw chunks were recorded for {recorded.Id}: turn on Tap:Store:StoreRawChunks to replay executions."
                        : $"{recorded.Id} holds a signal this version of tap does not know: it cannot be re-decided.");
                return ExitCodes.NotFound;
            }

            var differences = RecordDifference.Between(recorded, now);
            var output = result.InvocationConfiguration.Output;
            if (json)
            {
                var root = new JsonObject
                {
                    ["id"] = recorded.Id.ToString("D"),
                    ["differences"] = new JsonArray([.. differences.Select(d => new JsonObject { ["field"] = d.Field, ["recorded"] = d.Recorded, ["now"] = d.Now })]),
                    ["record"] = JsonNode.Parse(RecordJson.Serialize(now)),
                };
                await output.WriteLineAsync(root.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Ok;
            }

            var console = TapConsole.Create(output);
            RecordPrinter.PrintDetail(console, now, fullBody: false);
            console.Write(new Rule("compared with the recorded decision").LeftJustified());
            if (differences.Count == 0)
            {
                console.Write(new Text("The current rules decide exactly as recorded.\n"));
                return ExitCodes.Ok;
            }

            var table = new Table().Border(TableBorder.Simple)
                .AddColumn(RecordPrinter.Column("field"))
                .AddColumn(RecordPrinter.Column("recorded"))
                .AddColumn(RecordPrinter.Column("now"));
            foreach (var difference in differences)
            {
                table.AddRow(RecordPrinter.Cell(difference.Field), RecordPrinter.Cell(difference.Recorded), RecordPrinter.Cell(difference.Now));
            }

            console.Write(table);
            return ExitCodes.Ok;
        }, cancellationToken);
}
