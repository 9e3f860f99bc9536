using System.CommandLine;

namespace Tap.Sidecar.Cli;

/// <summary>An option taking a duration back from now (30m, 1h, 2d) or an ISO-8601 date, parsed by <see cref="SinceParser"/>.</summary>
internal static class DateOption
{
    public static Option<DateTime?> Create(string name, string description, TimeProvider timeProvider) => new(name)
    {
        Description = description + ": a duration ago (30m, 1h, 2d) or an ISO-8601 date (UTC unless an offset is given)",
        HelpName = "when",
        CustomParser = result =>
        {
            var text = result.Tokens[0].Value;
            if (SinceParser.TryParse(text, timeProvider.GetUtcNow(), out var parsed))
            {
                return parsed;
            }

            result.AddError($"{name}: '{text}' is neither a duration like 30m, 1h, 2d nor an ISO-8601 date.");
            return null;
        },
    };
}
