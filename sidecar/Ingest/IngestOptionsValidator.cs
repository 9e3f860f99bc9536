using Microsoft.Extensions.Options;
using Tap.Protocol;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Checks <c>Tap:Ingest</c> once at start (ValidateOnStart), naming every key that is wrong. The endpoint is also
/// checked against the file system and the database path here, before the store opens any file: a swapped
/// --db and --endpoint must stop the start with nothing created or removed. The control socket beside it is checked
/// the same way by the control endpoint's own validator.
/// </summary>
internal sealed class IngestOptionsValidator(IOptions<StoreOptions> store) : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        if (errors.Count == 0 && EndpointGuard.Refusal(PipeEndpoint.SocketPath(options.Endpoint), OtherSection.ValueOrNull(store)?.DatabasePath) is { } refusal)
        {
            errors.Add(refusal);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
