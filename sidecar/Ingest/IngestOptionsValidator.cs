using Microsoft.Extensions.Options;

namespace Tap.Sidecar.Ingest;

/// <summary>Checks <c>Tap:Ingest</c> once at start (ValidateOnStart), naming every key that is wrong.</summary>
internal sealed class IngestOptionsValidator : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
