using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using Tap.Sidecar.Pricing;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary>
/// <c>tap prices</c>: the price table in force and where each entry came from; <c>--missing</c>: the models recorded
/// executions used that have no price (their cost is unknown, never 0).
/// </summary>
internal static class PricesCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var prices = new PricesOption();
        var missing = new Option<bool>("--missing") { Description = "List the recorded models that have no price" };
        var json = new Option<bool>("--json") { Description = "Print JSON" };
        var filters = new FilterOptions(context.TimeProvider);

        var command = new Command("prices", "Show the price table in force (shipped, and the operator's Tap:Prices:Path over it), or the recorded models it lacks") { missing, json };
        prices.AddTo(command);
        filters.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            if (prices.Load(result, result.InvocationConfiguration.Error) is not { } table)
            {
                return ExitCodes.ServeFailed;
            }

            if (!result.GetValue(missing))
            {
                if (result.GetValue(json))
                {
                    await output.WriteLineAsync(TableJson(table));
                }
                else
                {
                    PrintTable(TapConsole.Create(output), table, prices.PathFrom(result));
                }

                return ExitCodes.Ok;
            }

            return await CliSource.RunAsync(result, context, writable: false, async source =>
            {
                var stats = await source.StatsAsync(filters.Read(result), StatsGrouping.Model, cancellationToken);
                // Executions without usage need no price: only models that consumed tokens are missing one.
                var unpriced = stats.Groups.Where(g => g.InputTokens + g.OutputTokens > 0 && (g.Key == "-" || table.Find(g.Key) is null)).ToList();
                if (result.GetValue(json))
                {
                    await output.WriteLineAsync(MissingJson(unpriced, table));
                    return ExitCodes.Ok;
                }

                var console = TapConsole.Create(output);
                console.Write(new Text(string.Create(CultureInfo.InvariantCulture,
                    $"{unpriced.Count} recorded models without a price in table {table.Version} ({unpriced.Sum(g => g.Count)} of {stats.Count} executions)\n")));
                if (unpriced.Count > 0)
                {
                    var missingTable = new Table().Border(TableBorder.Simple)
                        .AddColumn(RecordPrinter.Column("model"))
                        .AddColumn(RecordPrinter.Column("executions").RightAligned())
                        .AddColumn(RecordPrinter.Column("tokens\nin/out").RightAligned());
                    foreach (var group in unpriced)
                    {
                        missingTable.AddRow(
                            RecordPrinter.Cell(group.Key),
                            RecordPrinter.Cell(group.Count.ToString(CultureInfo.InvariantCulture)),
                            RecordPrinter.Cell($"{RecordPrinter.FormatTokens(group.InputTokens)}/{RecordPrinter.FormatTokens(group.OutputTokens)}"));
                    }

                    console.Write(missingTable);
                    console.Write(new Text("Add them to the file Tap:Prices:Path names (docs/cost.md), then tap reprice --since WHEN.\n"));
                }

                return ExitCodes.Ok;
            }, cancellationToken);
        });
        return command;
    }

    private static void PrintTable(IAnsiConsole console, PriceTable table, string? operatorPath)
    {
        console.Write(new Text(string.Create(CultureInfo.InvariantCulture,
            $"price table {table.Version}, {table.Currency} per million tokens: {table.Entries.Count} models, shipped with tap{(operatorPath is null ? "" : " and from " + Path.GetFullPath(operatorPath))}\n")));
        var grid = new Table().Border(TableBorder.Simple)
            .AddColumn(RecordPrinter.Column("model"))
            .AddColumn(RecordPrinter.Column("input").RightAligned())
            .AddColumn(RecordPrinter.Column("cached").RightAligned())
            .AddColumn(RecordPrinter.Column("write\n5m/1h").RightAligned())
            .AddColumn(RecordPrinter.Column("output").RightAligned())
            .AddColumn(RecordPrinter.Column("from"));
        foreach (var entry in table.Entries)
        {
            AddRow(grid, entry.Id, entry.Rates, (entry.Origin == PriceTable.Shipped ? PriceTable.Shipped : "operator") + (entry.Verified == false ? " *" : ""));
            foreach (var tier in entry.Tiers)
            {
                AddRow(grid, "  > " + RecordPrinter.FormatTokens(tier.AboveInputTokens) + " in", entry.Rates.With(tier.Rates), "");
            }
        }

        console.Write(grid);
        console.Write(new Text("* not read on the provider's own page: its note says where the figures come from.\nSources, reading dates and notes: tap prices --json; reasoning is billed as output unless an entry says otherwise.\n"));
    }

    private static void AddRow(Table grid, string name, PriceRates rates, string origin) => grid.AddRow(
        RecordPrinter.Cell(name),
        RecordPrinter.Cell(Money.Rate(rates.Input)),
        RecordPrinter.Cell(Money.Rate(rates.CachedInput)),
        RecordPrinter.Cell(rates.CacheWrite5m is null && rates.CacheWrite1h is null ? "-" : $"{Money.Rate(rates.CacheWrite5m)}/{Money.Rate(rates.CacheWrite1h)}"),
        RecordPrinter.Cell(Money.Rate(rates.Output)),
        RecordPrinter.Cell(origin));

    private static string TableJson(PriceTable table)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("version", table.Version);
            writer.WriteString("currency", table.Currency);
            writer.WriteStartArray("models");
            foreach (var entry in table.Entries)
            {
                writer.WriteStartObject();
                writer.WriteString("id", entry.Id);
                writer.WriteString("provider", entry.Provider);
                writer.WriteStartArray("aliases");
                foreach (var alias in entry.Aliases)
                {
                    writer.WriteStringValue(alias);
                }

                writer.WriteEndArray();
                WriteRates(writer, entry.Rates);
                writer.WriteStartArray("tiers");
                foreach (var tier in entry.Tiers)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("above_input_tokens", tier.AboveInputTokens);
                    WriteRates(writer, tier.Rates);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteString("source", entry.Source);
                writer.WriteString("checked", entry.Checked);
                if (entry.Verified is { } verified)
                {
                    writer.WriteBoolean("verified", verified);
                }
                else
                {
                    writer.WriteNull("verified");
                }

                writer.WriteString("note", entry.Note);
                writer.WriteString("origin", entry.Origin);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteRates(Utf8JsonWriter writer, PriceRates rates)
    {
        void Rate(string name, decimal? value)
        {
            if (value is { } rate)
            {
                writer.WriteNumber(name, rate);
            }
            else
            {
                writer.WriteNull(name);
            }
        }

        Rate("input", rates.Input);
        Rate("cached_input", rates.CachedInput);
        Rate("cache_write_5m", rates.CacheWrite5m);
        Rate("cache_write_1h", rates.CacheWrite1h);
        Rate("output", rates.Output);
        Rate("reasoning", rates.Reasoning);
    }

    private static string MissingJson(List<StatsGroup> unpriced, PriceTable table)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartObject();
            writer.WriteString("table_version", table.Version);
            writer.WriteStartArray("missing");
            foreach (var group in unpriced)
            {
                writer.WriteStartObject();
                writer.WriteString("model", group.Key == "-" ? null : group.Key);
                writer.WriteNumber("executions", group.Count);
                writer.WriteNumber("input_tokens", group.InputTokens);
                writer.WriteNumber("output_tokens", group.OutputTokens);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
