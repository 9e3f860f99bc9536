using Tap.Sidecar.Streams.Sse;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// Frames an <c>application/vnd.amazon.eventstream</c> response for <see cref="ResponseAggregator"/>: each verified message
/// becomes one event whose data is its payload. An event is named by its <c>:event-type</c>; an exception by
/// <see cref="ExceptionPrefix"/> and its <c>:exception-type</c>; an error by <see cref="ErrorPrefix"/> and its
/// <c>:error-code</c>, with its <c>:error-message</c> as the data, since an error message carries no payload.
/// </summary>
internal sealed class AwsEventFramer : IEventFramer
{
    public const string ExceptionPrefix = "exception:";
    public const string ErrorPrefix = "error:";

    private readonly EventStreamParser _parser;
    private SseFault? _fault;

    public AwsEventFramer(Action<SseEvent> dispatch, int maxMessageBytes = EventStreamParser.DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(dispatch);
        _parser = new EventStreamParser(message => dispatch(ToEvent(message)), maxMessageBytes);
    }

    /// <summary>
    /// The framing of a Bedrock response: the event stream for its own media type and for <c>text/event-stream</c>, which
    /// the sidecar assumes for a streamed response whose content type it was not told; else one JSON body (null).
    /// </summary>
    public static Func<Action<SseEvent>, IEventFramer>? For(string? contentType) =>
        ContentTypes.IsAmazonEventStream(contentType) || ContentTypes.IsEventStream(contentType) ? dispatch => new AwsEventFramer(dispatch) : null;

    public long EventCount => _parser.MessageCount;

    public SseFault? Fault => _fault ??= _parser.Fault is { } fault ? new SseFault(fault.Code, fault.Message) : null;

    public void Append(ReadOnlySpan<byte> bytes) => _parser.Append(bytes);

    public void Complete() => _parser.Complete();

    private static SseEvent ToEvent(EventStreamMessage message) => message.MessageType switch
    {
        "exception" => new SseEvent(ExceptionPrefix + message.ExceptionType, message.Payload, null),
        "error" => new SseEvent(ErrorPrefix + message.Header(":error-code"), System.Text.Encoding.UTF8.GetBytes(message.Header(":error-message") ?? ""), null),
        _ => new SseEvent(message.EventType ?? "", message.Payload, null),
    };
}
