using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Store;

/// <summary>Checks <c>Tap:Store</c> once at start (ValidateOnStart), naming every key that is wrong.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DatabasePath))
        {
            errors.Add("Tap:Store:DatabasePath must not be empty.");
        }

        if (options.MaxBatchSize is < 1 or > 10_000)
        {
            errors.Add($"Tap:Store:MaxBatchSize must be between 1 and 10000 (is {options.MaxBatchSize}).");
        }

        if (options.MaxResponseChars is < 0 or > 16 * 1024 * 1024)
        {
            errors.Add($"Tap:Store:MaxResponseChars must be between 0 and 16777216 (is {options.MaxResponseChars}).");
        }

        if (options.MaxRawChunkBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add($"Tap:Store:MaxRawChunkBytes must be between 1024 and 16777216 (is {options.MaxRawChunkBytes}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
