using System.CommandLine;
using Spectre.Console;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap export</c>: every matching execution to a JSON Lines or CSV file, newest first, read page by page.</summary>
internal static class ExportCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new FilterOptions(context.TimeProvider, withFormat: false);
        var format = ChoiceOption.WithDefault("--format", "File format: jsonl (whole records) or csv (one row per execution)", ["jsonl", "csv"], "jsonl", "-f");
        var apiFormat = ChoiceOption.Create("--api-format", "Only this API format (--format is the file format here)", AggregatorFactory.Formats);
        var file = NonEmpty.Require(new Option<string>("--output", "-o") { Description = "The file to write ('-' for standard output)", DefaultValueFactory = _ => "-", HelpName = "path" });
        var json = new Option<bool>("--json") { Description = "Print the summary as a JSON object" };

        var command = new Command("export", "Export executions to JSON Lines or CSV") { format, apiFormat, file, json };
        filters.AddTo(command);
        command.SetAction((result, cancellationToken) => CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var query = filters.Read(result) with { Format = result.GetValue(apiFormat) };
            var path = result.GetRequiredValue(file);
            var toStdout = path == "-";
            var error = result.InvocationConfiguration.Error;
            TextWriter writer;
            try
            {
                writer = toStdout ? result.InvocationConfiguration.Output : new StreamWriter(path, append: false, new System.Text.UTF8Encoding(false));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"Cannot write {path}: {ex.Message}");
                return ExitCodes.WriteFailed;
            }

            long written;
            try
            {
                var exporter = new RecordExporter(source, query, result.GetRequiredValue(format));
                written = ShowsProgress(error, toStdout)
                    ? await WithProgressAsync(exporter, writer, cancellationToken)
                    : await exporter.WriteAsync(writer, null, cancellationToken);
            }
            finally
            {
                if (!toStdout)
                {
                    await writer.DisposeAsync();
                }
            }

            var where = toStdout ? "standard output" : Path.GetFullPath(path);
            if (result.GetValue(json) && !toStdout)
            {
                await result.InvocationConfiguration.Output.WriteLineAsync($"{{\"exported\": {written}, \"output\": {System.Text.Json.JsonSerializer.Serialize(where)}}}");
            }
            else
            {
                await error.WriteLineAsync($"Exported {written} executions to {where}.");
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }

    // A progress bar only for a person watching: never into a pipe, a file, or the standard output being exported.
    private static bool ShowsProgress(TextWriter error, bool toStdout) =>
        !toStdout && ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected;

    private static async Task<long> WithProgressAsync(RecordExporter exporter, TextWriter writer, CancellationToken cancellationToken)
    {
        var total = await exporter.CountAsync(cancellationToken);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return await console.Progress().StartAsync(async progress =>
        {
            var task = progress.AddTask("exporting", maxValue: Math.Max(1, total));
            return await exporter.WriteAsync(writer, count => task.Value = count, cancellationToken);
        });
    }
}
