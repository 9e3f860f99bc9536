using Tap.Protocol;
using Tap.Shim.Delivery;

namespace Tap.Shim;

/// <summary>
/// One upstream attempt as the proxy reports it: <see cref="Response"/>, then <see cref="Chunk"/> for every
/// read, a signal when something happens, and <see cref="End"/>. Every call returns at once and never
/// throws; calls after <see cref="End"/> are ignored. Disposing ends the execution.
/// </summary>
public sealed class TapExecution : IDisposable
{
    private readonly ExecutionWriter _writer;

    internal TapExecution(ExecutionWriter writer) => _writer = writer;

    /// <summary>The execution id, as the sidecar records it.</summary>
    public Guid Id => _writer.Id;

    /// <summary>Reports the upstream's status code and content type.</summary>
    public void Response(int statusCode, string? contentType) =>
        _writer.Response(statusCode, contentType);

    /// <summary>Reports bytes exactly as read from the upstream. The bytes are copied; the caller keeps its buffer.</summary>
    public void Chunk(ReadOnlySpan<byte> data) => _writer.Chunk(data);

    /// <summary>The client of the proxy went away (its request was aborted).</summary>
    public void ClientAborted() => _writer.Signal(SignalKind.ClientAborted);

    /// <summary>Reading the upstream failed.</summary>
    public void UpstreamError(TapUpstreamErrorKind kind, string? message) =>
        _writer.Send(new SignalMessage { Kind = SignalKind.UpstreamError, ErrorKind = ToWire(kind), Message = message });

    /// <summary>The upstream response ended cleanly (end of stream).</summary>
    public void UpstreamEnd() => _writer.Signal(SignalKind.UpstreamEnd);

    /// <summary>The proxy is done with this execution.</summary>
    public void End() => _writer.End();

    /// <summary>Ends the execution if the proxy has not.</summary>
    public void Dispose() => End();

    internal void DrainStarted() => _writer.Signal(SignalKind.DrainStarted);

    internal void DrainSkipped(string reason) => _writer.Send(new SignalMessage { Kind = SignalKind.DrainSkipped, Message = reason });

    private static string ToWire(TapUpstreamErrorKind kind) => kind switch
    {
        TapUpstreamErrorKind.ConnectionReset => "connection_reset",
        TapUpstreamErrorKind.Timeout => "timeout",
        TapUpstreamErrorKind.MalformedResponse => "malformed_response",
        _ => "other",
    };
}
