using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Tap.Sidecar.Pricing;

namespace Tap.Sidecar.Cli;

/// <summary>
/// <c>--prices PATH</c>: the operator's price file the CLI prices with (<c>tap prices</c>, <c>tap replay</c>, file-mode
/// <c>tap reprice</c>); by default the one tap serve reads, Tap:Prices:Path from appsettings.json beside the executable
/// or the environment.
/// </summary>
internal sealed class PricesOption
{
    private readonly Option<string?> _path = new("--prices")
    {
        Description = "The operator's price file over the shipped table (default: Tap:Prices:Path, as tap serve reads it)",
        HelpName = "path",
    };

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(_path);
    }

    /// <summary>The operator's file named by --prices or the configuration; null when none.</summary>
    public string? PathFrom(ParseResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.GetValue(_path) is { Length: > 0 } given)
        {
            return given;
        }

        // The same sources, in the same order, as tap serve's host: the file beside the executable, then the environment.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .AddEnvironmentVariables("TAP_")
            .Build();
        return configuration[PricingServices.Section + ":" + nameof(PricingOptions.Path)] is { Length: > 0 } configured ? configured : null;
    }

    /// <summary>The table in force for the CLI; writes one line and returns null when the operator's file cannot be used.</summary>
    public PriceTable? Load(ParseResult result, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(error);
        try
        {
            return PriceTableLoader.Load(PathFrom(result));
        }
        catch (PriceTableException refused)
        {
            error.WriteLine(refused.Message);
            return null;
        }
    }
}
