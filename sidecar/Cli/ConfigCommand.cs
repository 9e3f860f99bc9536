using System.CommandLine;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Spectre.Console;
using Tap.Sidecar.Control;
using Tap.Sidecar.Hosting;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap config</c>: the configuration <c>tap serve</c> would run with (same arguments), and where each value came from.</summary>
internal static class ConfigCommand
{
    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var json = new Option<bool>("--json") { Description = "Print a JSON array of {key, value, source}" };
        var command = new Command("config", "Print the effective configuration of tap serve and the source of each value (accepts serve's arguments)")
        {
            json,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async result =>
        {
            if (ConfigurationFlags.Problem(result.UnmatchedTokens, ServeCommand.OptionNames(result, context)) is { } problem)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(problem + " Run 'tap config --help' for usage.");
                return ExitCodes.Usage;
            }

            using var configuration = ServeConfiguration.Load([.. result.UnmatchedTokens], ServeCommand.Overrides(result, context));
            var (entries, failures) = (configuration.Entries, configuration.Failures);
            var output = result.InvocationConfiguration.Output;
            if (result.GetValue(json))
            {
                await output.WriteLineAsync(JsonSerializer.Serialize(
                    entries.Select(e => new Dictionary<string, string> { ["key"] = e.Key, ["value"] = e.Value, ["source"] = e.Source }),
                    Indented));
            }
            else if (entries.Count > 0)
            {
                Print(TapConsole.Create(output), entries);
            }

            foreach (var failure in failures)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("invalid: " + failure);
            }

            return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.ServeFailed;
        });
        return command;
    }

    private static void Print(IAnsiConsole console, IReadOnlyList<ConfigEntry> entries)
    {
        var table = new Table().Border(TableBorder.Simple)
            .AddColumn(RecordPrinter.Column("key").NoWrap())
            .AddColumn(RecordPrinter.Column("value"))
            .AddColumn(RecordPrinter.Column("source"));
        foreach (var entry in entries)
        {
            table.AddRow(RecordPrinter.Cell(entry.Key), RecordPrinter.Cell(entry.Value), RecordPrinter.Cell(entry.Source));
        }

        console.Write(table);
        var endpoint = entries.First(e => e.Key == SidecarHost.IngestSection + ":Endpoint").Value;
        console.Write(new Text($"control endpoint (for the CLI): {ControlEndpoint.Address(ControlEndpoint.For(endpoint))}\n"));
    }
}
