using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Store;

/// <summary>Checks the retention keys of <c>Tap:Store</c> once at start.</summary>
internal sealed class RetentionOptionsValidator : IValidateOptions<RetentionOptions>
{
    public ValidateOptionsResult Validate(string? name, RetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.RetentionDays is < 0 or > 36_500)
        {
            errors.Add($"Tap:Store:RetentionDays must be between 0 (keep forever) and 36500 (is {options.RetentionDays}).");
        }

        if (options.MaxDatabaseMegabytes is < 0 or > 1024 * 1024)
        {
            errors.Add($"Tap:Store:MaxDatabaseMegabytes must be between 0 (no limit) and 1048576 (is {options.MaxDatabaseMegabytes}).");
        }

        if (options.MaintenanceInterval < TimeSpan.FromSeconds(1) || options.MaintenanceInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"Tap:Store:MaintenanceInterval must be between 00:00:01 and 1.00:00:00 (is {options.MaintenanceInterval}).");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
