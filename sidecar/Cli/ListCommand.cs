using System.CommandLine;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap list</c>: recorded executions, newest (or slowest) first.</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new FilterOptions(context.TimeProvider);
        var sort = ChoiceOption.WithDefault("--sort", "Order: started (newest first), latency or ttft (slowest first)", ["started", "latency", "ttft"], "started");
        var ascending = new Option<bool>("--asc") { Description = "Reverse the order: oldest or fastest first" };
        var limit = LimitOption.Create(20);
        var output = new OutputOptions();

        var command = new Command("list", "List recorded executions, newest first") { sort, ascending, limit };
        filters.AddTo(command);
        output.AddTo(command);
        command.SetAction((result, cancellationToken) => CliSource.RunAsync(result, context, writable: false, async source =>
        {
            var query = filters.Read(result) with { Sort = Enum.Parse<RecordSort>(result.GetRequiredValue(sort), ignoreCase: true), Ascending = result.GetValue(ascending), Limit = result.GetValue(limit) };
            var records = await source.ListAsync(query, cancellationToken);
            RecordOutput.Write(result.InvocationConfiguration.Output, records, output.Read(result));

            // On stderr, so that --json, --jsonl and --csv stay machine-readable.
            if (await source.ShimLossesAsync(query, cancellationToken) is { Count: > 0 } losses)
            {
                await result.InvocationConfiguration.Error.WriteLineAsync(LossText.Note(losses));
            }

            return ExitCodes.Ok;
        }, cancellationToken));
        return command;
    }
}
