using System.CommandLine;
using System.Text.Json;
using Tap.Protocol;
using Tap.Sidecar.Hosting;
using Tap.Sidecar.Ingest;

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
                Print(output, entries);
            }

            foreach (var failure in failures)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync("invalid: " + failure);
            }

            return failures.Count == 0 ? ExitCodes.Ok : ExitCodes.ServeFailed;
        });
        return command;
    }

    /// <summary>
    /// Key, value and source in aligned columns. Not a table: a value (a path, an endpoint) is never wrapped or cut,
    /// so that it can be copied; when a row would pass 80 columns its source goes on the next line instead.
    /// </summary>
    private static void Print(TextWriter output, IReadOnlyList<ConfigEntry> entries)
    {
        var keyWidth = entries.Max(e => e.Key.Length);
        // Room for the usual sources (default, command line, --db or TAP_DB); a longer one moves to the next line.
        var valueWidth = Math.Min(entries.Max(e => RecordPrinter.Or(e.Value).Length), TapConsole.RedirectedWidth - keyWidth - 3 - 14);
        string Line(string key, string value) => (key.PadRight(keyWidth) + " " + value.PadRight(valueWidth)).TrimEnd();
        output.WriteLine(Line("key", "value") + "  source");
        output.WriteLine(new string('─', TapConsole.RedirectedWidth));
        foreach (var entry in entries)
        {
            var line = Line(entry.Key, RecordPrinter.Or(entry.Value));
            output.WriteLine(Math.Max(line.Length, keyWidth + 1 + valueWidth) + 2 + entry.Source.Length <= TapConsole.RedirectedWidth
                ? line.PadRight(keyWidth + 1 + valueWidth) + "  " + entry.Source
                : line + "\n" + new string(' ', keyWidth + 1) + "(" + entry.Source + ")");
        }

        var endpoint = entries.First(e => e.Key == SidecarHost.IngestSection + ":Endpoint").Value;
        output.WriteLine();
        output.WriteLine($"control endpoint (for the CLI): {PipeEndpoint.Address(ControlEndpoint.For(endpoint))}");
    }
}
