using Microsoft.Extensions.Options;
using Tap.Protocol;
using Tap.Sidecar.Control;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Ingest;

/// <summary>
/// Checks <c>Tap:Ingest</c> once at start (ValidateOnStart), naming every key that is wrong. The endpoint is also
/// checked against the file system and the database path here, before the store opens any file: a swapped
/// --db and --endpoint must stop the start with nothing created or removed.
/// </summary>
internal sealed class IngestOptionsValidator(IOptions<StoreOptions> store, IOptions<ControlOptions> control) : IValidateOptions<IngestOptions>
{
    public ValidateOptionsResult Validate(string? name, IngestOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Errors().ToList();
        if (errors.Count == 0)
        {
            var database = ValueOrNull(store)?.DatabasePath;
            var sockets = ValueOrNull(control)?.Enabled == false ? [options.Endpoint] : new[] { options.Endpoint, ControlEndpoint.For(options.Endpoint) };
            errors.AddRange(sockets.Select(endpoint => EndpointGuard.Refusal(PipeEndpoint.SocketPath(endpoint), database)).OfType<string>());
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    // Another section's own errors are reported by its validator; the endpoint is still checked against the files.
    private static T? ValueOrNull<T>(IOptions<T> options)
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
