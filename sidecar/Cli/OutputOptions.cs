using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary><c>--json</c>, <c>--jsonl</c> and <c>--csv</c>: at most one; without them a table for people.</summary>
internal sealed class OutputOptions
{
    private readonly Option<bool> _json = new("--json") { Description = "Print a JSON array" };
    private readonly Option<bool> _jsonl = new("--jsonl") { Description = "Print one JSON object per line" };
    private readonly Option<bool> _csv = new("--csv") { Description = "Print CSV with a header row" };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_json);
        command.Options.Add(_jsonl);
        command.Options.Add(_csv);
        command.Validators.Add(result =>
        {
            if (new[] { _json, _jsonl, _csv }.Count(option => ValidValue.Of(result, option)) > 1)
            {
                result.AddError("Give at most one of --json, --jsonl and --csv.");
            }
        });
    }

    public OutputFormat Read(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.GetValue(_json) ? OutputFormat.Json
            : result.GetValue(_jsonl) ? OutputFormat.JsonLines
            : result.GetValue(_csv) ? OutputFormat.Csv
            : OutputFormat.Table;
    }
}
