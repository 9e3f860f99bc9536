using Microsoft.Extensions.Options;
using Tap.Protocol;
using Tap.Sidecar.Ingest;
using Tap.Sidecar.Store;

namespace Tap.Sidecar.Control;

/// <summary>
/// Checks <c>Tap:Control</c> once at start (ValidateOnStart), naming every key that is wrong; an enabled control
/// endpoint's socket, named after the ingest endpoint, is checked against the file system and the database path as
/// the ingest socket is, before the store opens any file.
/// </summary>
internal sealed class ControlOptionsValidator(IOptions<IngestOptions> ingest, IOptions<StoreOptions> store) : IValidateOptions<ControlOptions>
{
    public ValidateOptionsResult Validate(string? name, ControlOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        if (options.MaxRequestBytes is < 1024 or > 1024 * 1024)
        {
            errors.Add($"Tap:Control:MaxRequestBytes must be between 1024 and 1048576 (is {options.MaxRequestBytes}).");
        }

        if (options.MaxResponseBytes is < 64 * 1024 or > ControlClient.MaxResponseBytes)
        {
            errors.Add($"Tap:Control:MaxResponseBytes must be between 65536 and {ControlClient.MaxResponseBytes}, what the CLI reads (is {options.MaxResponseBytes}).");
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.MaxConnections is < 1 or > 64)
        {
            errors.Add("Tap:Control: IdleTimeout must be positive and MaxConnections 1-64.");
        }

        if (options.Enabled
            && OtherSection.ValueOrNull(ingest) is { } endpoint
            && EndpointGuard.Refusal(PipeEndpoint.SocketPath(ControlEndpoint.For(endpoint.Endpoint)), OtherSection.ValueOrNull(store)?.DatabasePath) is { } refusal)
        {
            errors.Add(refusal);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
