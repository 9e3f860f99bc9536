using System.Globalization;

namespace Tap.Sidecar.Cli;

/// <summary>Parses <c>--since</c>: a duration back from now (<c>30s</c>, <c>30m</c>, <c>1h</c>, <c>2d</c>, <c>1w</c>) or an ISO-8601 date.</summary>
internal static class SinceParser
{
    /// <summary>Returns the moment as UTC. A date without an offset is taken as UTC, like every time tap prints.</summary>
    public static bool TryParse(string text, DateTimeOffset now, out DateTime since)
    {
        ArgumentNullException.ThrowIfNull(text);
        since = default;
        var trimmed = text.Trim();
        if (trimmed.Length >= 2
            && long.TryParse(trimmed.AsSpan(0, trimmed.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount)
            && Unit(trimmed[^1]) is { } unit)
        {
            // A duration reaching before year 1 is a typo, not a request for everything.
            if (amount > (now.UtcDateTime - DateTime.MinValue).Ticks / unit.Ticks)
            {
                return false;
            }

            since = now.UtcDateTime - TimeSpan.FromTicks(unit.Ticks * amount);
            return true;
        }

        if (DateTimeOffset.TryParse(trimmed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
        {
            since = date.UtcDateTime;
            return true;
        }

        return false;
    }

    private static TimeSpan? Unit(char suffix) => char.ToLowerInvariant(suffix) switch
    {
        's' => TimeSpan.FromSeconds(1),
        'm' => TimeSpan.FromMinutes(1),
        'h' => TimeSpan.FromHours(1),
        'd' => TimeSpan.FromDays(1),
        'w' => TimeSpan.FromDays(7),
        _ => null,
    };
}
