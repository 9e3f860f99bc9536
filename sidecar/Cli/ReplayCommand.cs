using System.CommandLine;
using Tap.Sidecar.Replay;

namespace Tap.Sidecar.Cli;

/// <summary>
/// <c>tap replay FILE --format F</c>: the record a raw transcript would give, without a sidecar. <c>tap replay ID</c>:
/// a recorded execution re-decided from its stored raw chunks with the current rules, and what changed.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file-or-id")
        {
            Description = "A raw upstream response body, byte for byte (an SSE transcript or a JSON body), or the id of a recorded execution",
        };
        var format = new Option<string?>("--format", "-f")
        {
            Description = "The API format of a transcript file: openai-chat, openai-responses, anthropic-messages or gemini",
        };
        var status = new Option<int>("--status") { Description = "The upstream HTTP status to simulate", DefaultValueFactory = _ => 200 };
        var contentType = new Option<string?>("--content-type") { Description = "The upstream Content-Type (default: application/json when the file starts with '{', else text/event-stream)" };
        var clientAbortAt = Offset("--client-abort-at", "The client aborts after this many bytes were read");
        var upstreamErrorAt = Offset("--upstream-error-at", "The upstream connection resets after this many bytes");
        var eofAt = Offset("--eof-at", "The upstream ends cleanly after this many bytes");
        var json = new Option<bool>("--json") { Description = "Print the record as a JSON object" };

        var command = new Command("replay", "Run a response transcript (or a recorded execution's raw chunks, by id) through the current parsing and outcome rules")
        {
            file, format, status, contentType, clientAbortAt, upstreamErrorAt, eofAt, json,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(file) is { } target && !IsId(target) && result.GetValue(format) is null)
            {
                result.AddError("--format is required to replay a transcript file.");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            var target = result.GetRequiredValue(file);
            if (IsId(target))
            {
                return RerunCommand.RunAsync(result, context, target, result.GetValue(json), cancellationToken);
            }

            var path = new FileInfo(target);
            if (!path.Exists)
            {
                result.InvocationConfiguration.Error.WriteLine($"No such file: {path.FullName}");
                return Task.FromResult(ExitCodes.NotFound);
            }

            var record = TranscriptReplayer.Replay(File.ReadAllBytes(path.FullName), new ReplayOptions
            {
                Format = result.GetValue(format)!,
                Status = result.GetValue(status),
                ContentType = result.GetValue(contentType),
                ClientAbortAt = result.GetValue(clientAbortAt),
                UpstreamErrorAt = result.GetValue(upstreamErrorAt),
                EofAt = result.GetValue(eofAt),
            });

            RecordPrinter.Print(result.InvocationConfiguration.Output, record, result.GetValue(json));
            return Task.FromResult(ExitCodes.Ok);
        });
        return command;
    }

    // An id (or its prefix or suffix) is hex digits and dashes, and no such file exists: anything else is a path.
    private static bool IsId(string target) =>
        target.Length > 0 && target.All(c => char.IsAsciiHexDigit(c) || c == '-') && !File.Exists(target);

    private static Option<long?> Offset(string name, string description)
    {
        var option = new Option<long?>(name) { Description = description, HelpName = "byte" };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<long?>() < 0)
            {
                r.AddError($"{name} must not be negative.");
            }
        });
        return option;
    }
}
