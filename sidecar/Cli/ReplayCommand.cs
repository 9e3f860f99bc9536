using System.CommandLine;
using Tap.Sidecar.Replay;

namespace Tap.Sidecar.Cli;

/// <summary><c>tap replay FILE --format F</c>: the record a raw transcript would give, without a sidecar.</summary>
internal static class ReplayCommand
{
    public static Command Create()
    {
        var file = new Argument<FileInfo>("file") { Description = "A raw upstream response body, byte for byte (an SSE transcript or a JSON body)" };
        var format = new Option<string>("--format", "-f")
        {
            Description = "The API format: openai-chat, openai-responses, anthropic-messages or gemini",
            Required = true,
        };
        var status = new Option<int>("--status") { Description = "The upstream HTTP status to simulate", DefaultValueFactory = _ => 200 };
        var contentType = new Option<string?>("--content-type") { Description = "The upstream Content-Type (default: application/json when the file starts with '{', else text/event-stream)" };
        var clientAbortAt = Offset("--client-abort-at", "The client aborts after this many bytes were read");
        var upstreamErrorAt = Offset("--upstream-error-at", "The upstream connection resets after this many bytes");
        var eofAt = Offset("--eof-at", "The upstream ends cleanly after this many bytes");
        var json = new Option<bool>("--json") { Description = "Print the record as a JSON object" };

        var command = new Command("replay", "Run a response transcript through the sidecar's parsing and outcome rules and print the record it would write")
        {
            file, format, status, contentType, clientAbortAt, upstreamErrorAt, eofAt, json,
        };
        command.SetAction(result =>
        {
            var path = result.GetRequiredValue(file);
            if (!path.Exists)
            {
                result.InvocationConfiguration.Error.WriteLine($"No such file: {path.FullName}");
                return ExitCodes.NotFound;
            }

            var record = TranscriptReplayer.Replay(File.ReadAllBytes(path.FullName), new ReplayOptions
            {
                Format = result.GetRequiredValue(format),
                Status = result.GetValue(status),
                ContentType = result.GetValue(contentType),
                ClientAbortAt = result.GetValue(clientAbortAt),
                UpstreamErrorAt = result.GetValue(upstreamErrorAt),
                EofAt = result.GetValue(eofAt),
            });

            RecordPrinter.Print(result.InvocationConfiguration.Output, record, result.GetValue(json));
            return ExitCodes.Ok;
        });
        return command;
    }

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
