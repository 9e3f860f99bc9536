using System.Text;
using Amazon.Runtime.EventStreams;
using Amazon.Runtime.EventStreams.Internal;

namespace Tap.Tests.Streams.Bedrock;

/// <summary>
/// A Bedrock response stream read by the AWS SDK for .NET's own event-stream machinery (AWSSDK.Core's
/// <see cref="EnumerableEventOutputStream{T,TE}"/>: its read loop, its <see cref="EventStreamDecoder"/> with both CRC
/// checks, its dispatch on <c>:message-type</c>, <c>:event-type</c> and <c>:exception-type</c>), wired the way the
/// generated <c>Amazon.BedrockRuntime.Model.ConverseStreamOutput</c> wires it. AWSSDK.BedrockRuntime itself is not
/// served to this workplace, so its generated unmarshallers (JSON payload to model class) are the one part missing: each
/// event comes out as the SDK decoded it, headers and payload, and the tests read the payload's documented JSON shape.
/// </summary>
internal sealed class AwsSdkEventStream : EnumerableEventOutputStream<AwsSdkEvent, AwsSdkStreamException>
{
    /// <summary>The events of ConverseStreamOutput and of InvokeModelWithResponseStream's ResponseStream.</summary>
    private static readonly string[] EventTypes = ["messageStart", "contentBlockStart", "contentBlockDelta", "contentBlockStop", "messageStop", "metadata", "chunk"];

    /// <summary>The modeled exceptions of both streams (the generated mappings list them; they match ignoring case).</summary>
    private static readonly string[] ExceptionTypes =
    [
        "internalServerException", "modelStreamErrorException", "serviceUnavailableException", "throttlingException",
        "validationException", "modelTimeoutException",
    ];

    private volatile bool _isProcessing;

    public AwsSdkEventStream(Stream stream)
        : base(stream)
    {
        Decoder.MessageReceived += (_, args) => EventReceived?.Invoke(this, new EventStreamEventReceivedArgs<AwsSdkEvent>(ConvertMessageToEvent(args.Message)));
    }

    public override event EventHandler<EventStreamEventReceivedArgs<AwsSdkEvent>>? EventReceived;

    protected override IDictionary<string, Func<IEventStreamMessage, AwsSdkEvent>> EventMapping { get; } =
        EventTypes.Append(UnknownEventKey).ToDictionary(name => name, name => (Func<IEventStreamMessage, AwsSdkEvent>)(message => new AwsSdkEvent(message)), StringComparer.OrdinalIgnoreCase);

    protected override IDictionary<string, Func<IEventStreamMessage, AwsSdkStreamException>> ExceptionMapping { get; } =
        ExceptionTypes.ToDictionary(name => name, name => (Func<IEventStreamMessage, AwsSdkStreamException>)(message => new AwsSdkStreamException(name, Encoding.UTF8.GetString(message.Payload))), StringComparer.OrdinalIgnoreCase);

    protected override bool IsProcessing
    {
        get => _isProcessing;
        set => _isProcessing = value;
    }
}

/// <summary>One event as the SDK decoded it.</summary>
internal sealed class AwsSdkEvent(IEventStreamMessage message) : IEventStreamEvent
{
    public IEventStreamMessage Message { get; } = message;

    public string EventType => Message.Headers[":event-type"].AsString();

    public string Payload => Encoding.UTF8.GetString(Message.Payload);
}

/// <summary>What the SDK throws for an exception message, or wraps around a decoding failure (a bad checksum).</summary>
internal sealed class AwsSdkStreamException : EventStreamException
{
    public AwsSdkStreamException()
    {
    }

    public AwsSdkStreamException(string exceptionType, string payload)
        : base(payload)
    {
        ExceptionType = exceptionType;
    }

    /// <summary>The SDK's <c>WrapException</c> builds this through reflection around what the decoder threw.</summary>
    public AwsSdkStreamException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? ExceptionType { get; }
}
