using System.CommandLine;
using Tap.Sidecar.Outcome;
using Tap.Sidecar.Records;
using Tap.Sidecar.Streams;

namespace Tap.Sidecar.Cli;

/// <summary>The filters <c>list</c>, <c>tail</c>, <c>export</c> and <c>stats</c> share, read into a <see cref="RecordQuery"/>.</summary>
internal sealed class FilterOptions
{
    private readonly Option<string?> _status = ChoiceOption.Create("--status", "Only this status", ExecutionStatus.All);
    private readonly Option<string?> _reason = ChoiceOption.Create("--reason", "Only this reason code (docs/outcomes.md)", ExecutionReasons.All);
    private readonly Option<string?> _model = Text("--model", "Only this model (the response model, else the requested one)");
    private readonly Option<string?> _format = ChoiceOption.Create("--format", "Only this API format", AggregatorFactory.Formats);
    private readonly Option<string?> _route = Text("--route", "Only this gateway route");
    private readonly Option<string?> _requestId = Text("--request-id", "Only the attempts of this request");
    private readonly Option<string?> _client = Text("--client", "Only executions reported by this gateway name");
    private readonly Option<string?> _error = Text("--error", "Only executions whose error message contains this text (any case)");
    private readonly Option<decimal?> _minCost = new("--min-cost") { Description = "Only executions that cost at least this much (in the price table's currency)", HelpName = "amount" };
    private readonly Option<DateTime?> _since;
    private readonly Option<DateTime?> _until;

    public FilterOptions(TimeProvider timeProvider, bool withFormat = true)
    {
        _since = DateOption.Create("--since", "Only executions started at or after", timeProvider);
        _until = DateOption.Create("--until", "Only executions started before", timeProvider);
        WithFormat = withFormat;
    }

    /// <summary>--since, for commands that require it.</summary>
    public Option<DateTime?> Since => _since;

    /// <summary>false for <c>export</c>, whose --format is the file format.</summary>
    public bool WithFormat { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        Option[] options = [_status, _reason, _model, _route, _requestId, _client, _error, _minCost, _since, _until];
        foreach (var option in WithFormat ? [.. options, _format] : options)
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (ValidValue.Of(result, _since) is { } since && ValidValue.Of(result, _until) is { } until && until <= since)
            {
                result.AddError($"--until ({RecordPrinter.FormatTime(until)} UTC) is not after --since ({RecordPrinter.FormatTime(since)} UTC): no execution can match.");
            }
        });
    }

    public RecordQuery Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return new RecordQuery
        {
            Status = result.GetValue(_status),
            Reason = result.GetValue(_reason),
            Model = result.GetValue(_model),
            Format = WithFormat ? result.GetValue(_format) : null,
            Route = result.GetValue(_route),
            RequestId = result.GetValue(_requestId),
            Client = result.GetValue(_client),
            ErrorContains = result.GetValue(_error),
            MinCost = result.GetValue(_minCost),
            Since = result.GetValue(_since),
            Until = result.GetValue(_until),
        };
    }

    private static Option<string?> Text(string name, string description) => new(name) { Description = description, HelpName = "text" };
}
