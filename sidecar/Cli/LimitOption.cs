using System.CommandLine;
using System.Globalization;

namespace Tap.Sidecar.Cli;

/// <summary><c>--limit</c>/<c>-n</c>: how many executions a command prints, 1 to the sidecar's bound (tap export has none).</summary>
internal static class LimitOption
{
    public static Option<int> Create(int defaultValue)
    {
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many executions", DefaultValueFactory = _ => defaultValue, HelpName = "count" };

        // A custom parser, not a validator: a validator reading a value that did not parse throws instead of reporting.
        limit.CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is >= 1 and <= Control.ControlDispatcher.MaxListLimit)
            {
                return value;
            }

            result.AddError($"--limit: '{text}' is not a whole number from 1 to {Control.ControlDispatcher.MaxListLimit} (tap export has no limit).");
            return defaultValue;
        };
        return limit;
    }
}
