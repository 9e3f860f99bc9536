using System.CommandLine;
using System.Runtime.InteropServices;
using Tap.Sidecar.Records;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap tail</c>: the latest executions, then every new one as it is recorded, until Ctrl+C.</summary>
internal static class TailCommand
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public static Command Create(CliContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var filters = new FilterOptions(context.TimeProvider);
        var limit = LimitOption.Create(10);
        limit.Description = "Print this many of the latest executions first";
        var json = new Option<bool>("--json", "--jsonl") { Description = "Print one JSON object per line" };

        var command = new Command("tail", "Follow executions as they are recorded (Ctrl+C stops)") { limit, json };
        filters.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            // tap's command line leaves Ctrl+C to each command (tap serve's host handles its own): stop cleanly here.
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, signal =>
            {
                signal.Cancel = true;
                stop.Cancel();
            });
            var tail = new RecordTail(filters.Read(result) with { Limit = result.GetValue(limit) });
            var output = result.InvocationConfiguration.Output;
            var asJson = result.GetValue(json);
            try
            {
                while (true)
                {
                    // Reconnect every poll: the sidecar may start or stop while tail runs, and the file must not stay open.
                    var exitCode = await CliSource.RunAsync(result, context, writable: false, async source =>
                    {
                        foreach (var record in await tail.PollAsync(source, stop.Token))
                        {
                            if (asJson)
                            {
                                RecordJson.WriteLine(output, record);
                            }
                            else
                            {
                                await output.WriteLineAsync(TailLine.Format(record));
                            }
                        }

                        await output.FlushAsync(stop.Token);
                        return ExitCodes.Ok;
                    }, stop.Token);
                    if (exitCode != ExitCodes.Ok)
                    {
                        return exitCode;
                    }

                    await Task.Delay(PollInterval, context.TimeProvider, stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return ExitCodes.Ok;
            }
        });
        return command;
    }
}
