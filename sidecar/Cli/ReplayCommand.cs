using System.CommandLine;
using System.Globalization;
using Tap.Sidecar.Records;
using Tap.Sidecar.Replay;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Cli;

/// <summary>
/// <c>tap replay FILE --format F</c>: the record a raw transcript would give, without a sidecar. <c>tap replay ID</c>:
/// a recorded execution re-decided from its stored raw chunks with the current rules, and what changed.
/// </summary>
internal static class ReplayCommand
{
    public static Command Create(CliContext context)
    {
        var file = NonEmpty.Require(new Argument<string>("file-or-id")
        {
            Description = "A raw upstream response body, byte for byte (an SSE transcript or a JSON body), or the id of a recorded execution",
        });
        var format = ChoiceOption.Create("--format", "The API format of a transcript file", AggregatorFactory.Formats, "-f");
        var status = Whole("--status", "The upstream HTTP status to simulate", 100, 599, 200, "code");
        var contentType = new Option<string?>("--content-type") { Description = "The upstream Content-Type (default: application/vnd.amazon.eventstream when the file starts with an AWS event-stream message, application/json when it starts with '{', else text/event-stream)", HelpName = "type" };
        var clientAbortAt = Offset("--client-abort-at", "The client aborts after this many bytes were read");
        var upstreamErrorAt = Offset("--upstream-error-at", "The upstream connection resets after this many bytes");
        var eofAt = Offset("--eof-at", "The upstream ends cleanly after this many bytes");
        var json = new Option<bool>("--json") { Description = "Print the record as a JSON object" };
        var model = new Option<string?>("--model") { Description = "Price the record as this model (when the transcript names none, or one the price table lacks)", HelpName = "model" };
        var prices = new PricesOption();

        var command = new Command("replay", "Run a response transcript (or a recorded execution's raw chunks, by id) through the current parsing and outcome rules")
        {
            file, format, status, contentType, clientAbortAt, upstreamErrorAt, eofAt, json, model,
        };
        prices.AddTo(command);
        command.Validators.Add(result =>
        {
            // The token, not the value: reading the value here would skip the argument's own validation.
            if (result.GetResult(file)?.Tokens is [{ Value: var target }] && !string.IsNullOrWhiteSpace(target) && !IsId(target) && result.GetResult(format) is null)
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
            if (prices.Load(result, result.InvocationConfiguration.Error) is not { } table)
            {
                return Task.FromResult(ExitCodes.ServeFailed);
            }

            RecordCost.Apply(record, table, result.GetValue(model));

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
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            {
                return offset;
            }

            result.AddError($"{name}: '{text}' is not a byte offset (a whole number, 0 or more).");
            return null;
        };
        return option;
    }

    private static Option<int> Whole(string name, string description, int min, int max, int defaultValue, string helpName)
    {
        var option = new Option<int>(name) { Description = description, HelpName = helpName, DefaultValueFactory = _ => defaultValue };
        option.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError($"{name}: '{text}' is not a whole number from {min} to {max}.");
            return defaultValue;
        };
        return option;
    }
}
