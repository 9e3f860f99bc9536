using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap show ID</c>: one execution in full, why it got its status, and the other attempts of its request.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = NonEmpty.Require(new Argument<string>("id") { Description = "The execution id, or a unique prefix or suffix of it (as tap list shows)" });
        var json = new Option<bool>("--json") { Description = "Print the record as a JSON object, with an \"attempts\" summary" };
        var body = new Option<bool>("--body") { Description = $"Print the aggregated response even when it is long (over {RecordPrinter.MaxInlineBodyLines} lines or {RecordPrinter.MaxInlineBodyChars} characters)" };

        var command = new Command("show", "Show one execution in full") { id, json, body };
        command.SetAction((result, cancellationToken) => CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var wanted = result.GetRequiredValue(id);
            if (await source.FindAsync(wanted, cancellationToken) is not { } lookup)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync($"No execution with id '{wanted}'.");
                return ExitCodes.NotFound;
            }

            ShowOutput.Write(result.InvocationConfiguration.Output, lookup, result.GetValue(json), result.GetValue(body));
            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
