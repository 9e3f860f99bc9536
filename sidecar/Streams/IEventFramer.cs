using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams;

/// <summary>
/// Cuts a streamed response into events for <see cref="ResponseAggregator"/>, from bytes cut anywhere:
/// <see cref="SseParser"/> for <c>text/event-stream</c>; a format with another framing (AWS event stream) brings its own.
/// After a fault it dispatches nothing more.
/// </summary>
internal interface IEventFramer
{
    long EventCount { get; }

    /// <summary>Why framing stopped (a line or event past its limit, invalid UTF-8, a broken frame).</summary>
    SseFault? Fault { get; }

    void Append(ReadOnlySpan<byte> bytes);

    /// <summary>The stream ended cleanly: dispatch what is whole.</summary>
    void Complete();
}
