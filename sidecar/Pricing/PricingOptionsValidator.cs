using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Pricing;

/// <summary>Reads the operator's price file once at start, so a file that cannot be used stops tap serve with its reason.</summary>
internal sealed class PricingOptionsValidator : IValidateOptions<PricingOptions>
{
    public ValidateOptionsResult Validate(string? name, PricingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            _ = PriceTableLoader.Load(options.Path);
            return ValidateOptionsResult.Success;
        }
        catch (PriceTableException invalid)
        {
            return ValidateOptionsResult.Fail(invalid.Message);
        }
    }
}
