using Microsoft.Extensions.Options;

namespace Tap.Shim.DependencyInjection;

/// <summary>Reports out-of-range settings at host start, with the option's own message.</summary>
internal sealed class TapClientOptionsValidator : IValidateOptions<TapClientOptions>
{
    public ValidateOptionsResult Validate(string? name, TapClientOptions options)
    {
        try
        {
            options.Validate();
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException ex)
        {
            return ValidateOptionsResult.Fail("Tap: " + ex.Message);
        }
    }
}
