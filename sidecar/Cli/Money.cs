using System.Globalization;

namespace Tap.Sidecar.Cli;

/// <summary>Costs for a person: narrow cells round; exact figures are in --json, --jsonl and --csv.</summary>
internal static class Money
{
    /// <summary>At most 7 characters: $0.0123 below $1, $12.34 below $1,000, then $12.3k, $1.2M; "-" when unknown.</summary>
    public static string Short(decimal? amount) => amount switch
    {
        null => "-",
        0m => "$0",
        < 0.0001m => "<$.0001",
        < 1m => string.Create(CultureInfo.InvariantCulture, $"${amount:0.0000}"),
        < 1_000m => string.Create(CultureInfo.InvariantCulture, $"${amount:0.00}"),
        < 1_000_000m => string.Create(CultureInfo.InvariantCulture, $"${amount / 1_000m:0.#}k"),
        _ => string.Create(CultureInfo.InvariantCulture, $"${amount / 1_000_000m:0.#}M"),
    };

    /// <summary>Every digit the figure has (what a bill is checked against), without trailing zeros.</summary>
    public static string Exact(decimal amount) => amount.ToString("0.############################", CultureInfo.InvariantCulture);

    /// <summary>A price per million tokens, "-" when the entry lists none.</summary>
    public static string Rate(decimal? perMillion) => perMillion is { } rate ? rate.ToString("0.####", CultureInfo.InvariantCulture) : "-";
}
