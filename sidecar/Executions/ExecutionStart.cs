namespace Tap.Sidecar.Executions;

/// <summary>What the Start frame said about an execution.</summary>
internal sealed record ExecutionStart(
    Guid Id,
    DateTimeOffset StartedAt,
    string Format,
    bool Stream,
    string? RequestId = null,
    int Attempt = 1,
    string? Route = null,
    string? Provider = null,
    string? RequestedModel = null,
    string? RequestPath = null,
    byte[]? RequestBody = null,
    bool FormatDeclared = true,
    string? TraceParent = null,
    string? TraceState = null);
