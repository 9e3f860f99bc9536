namespace Tap.Protocol;

/// <summary>
/// What a Start frame carries after its header, as the shim hands it to <see cref="ControlFrame.WriteStart"/>:
/// the fields of <see cref="StartMessage"/> without a message object on the proxy's thread, and the request body as
/// the caller's bytes (empty for none), copied once, into the frame.
/// </summary>
internal readonly ref struct StartFields
{
    public string? RequestId { get; init; }

    public int Attempt { get; init; }

    public string? ApiFormat { get; init; }

    public string? Route { get; init; }

    public string? Provider { get; init; }

    public string? RequestedModel { get; init; }

    public bool Stream { get; init; }

    public string? RequestPath { get; init; }

    public ReadOnlySpan<byte> RequestBody { get; init; }

    public bool RequestBodyTruncated { get; init; }

    public string? TraceParent { get; init; }

    public string? TraceState { get; init; }
}
