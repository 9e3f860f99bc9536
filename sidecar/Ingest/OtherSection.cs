using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Another configuration section read by a validator. Its own errors are reported by its own validator, so here a
/// section that fails validation reads as absent and the checks that need it are left out.
/// </summary>
internal static class OtherSection
{
    public static T? ValueOrNull<T>(IOptions<T> options)
        where T : class
    {
        try
        {
            return options.Value;
        }
        catch (OptionsValidationException)
        {
            return null;
        }
    }
}
