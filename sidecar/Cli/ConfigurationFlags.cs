using Tap.Sidecar.Hosting;

namespace Tap.Sidecar.Cli;

/// <summary>
/// What <c>tap serve</c> and <c>tap config</c> accept beyond their own options: configuration flags, as the host's
/// command-line provider reads them (<c>--Tap:Store:RetentionDays=7</c>, <c>--Tap:Store:RetentionDays 7</c>,
/// <c>/Key=value</c>, <c>Key=value</c>) for a key path (it has a ':'), or the host's own <c>--environment</c>,
/// <c>--contentRoot</c> and <c>--applicationName</c>. Anything else is a typo of an option, not configuration.
/// </summary>
internal static class ConfigurationFlags
{
    private static readonly string[] HostKeys = ["environment", "contentRoot", "applicationName"];

    /// <summary>Why the tokens are not all configuration flags (one line), or null when they are.</summary>
    public static string? Problem(IReadOnlyList<string> tokens, IReadOnlyCollection<string> optionNames)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(optionNames);
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i];
            var prefixed = token.StartsWith("--", StringComparison.Ordinal) ? 2 : token.StartsWith('/') ? 1 : 0;
            var equals = token.IndexOf('=', StringComparison.Ordinal);
            if (prefixed == 0 && equals < 0)
            {
                return $"Unrecognized argument '{token}'.";
            }

            var key = equals >= 0 ? token[prefixed..equals] : token[prefixed..];
            if (!key.Contains(':', StringComparison.Ordinal) && !HostKeys.Contains(key, StringComparer.OrdinalIgnoreCase))
            {
                var typed = token[..(equals >= 0 ? equals : token.Length)];
                return optionNames.Count > 0 && typed.StartsWith('-') && NearestName.Of(typed, optionNames) is { } nearest && NearestName.Distance(typed, nearest) <= 3
                    ? $"Unrecognized option '{typed}'; did you mean {nearest}?"
                    : $"Unrecognized option '{typed}' (configuration flags name a key, like --Tap:Store:RetentionDays=7).";
            }

            if (equals < 0 && ++i == tokens.Count)
            {
                return $"The configuration flag '{token}' has no value (give --Key=value or --Key value).";
            }
        }

        return null;
    }
}
