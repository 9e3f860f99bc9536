namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>One whole, checksum-verified event-stream message. It owns its payload.</summary>
internal sealed record EventStreamMessage(IReadOnlyList<EventStreamHeader> Headers, ReadOnlyMemory<byte> Payload)
{
    /// <summary><c>:message-type</c>: <c>event</c>, <c>exception</c> (a modeled error such as <c>throttlingException</c>) or <c>error</c>.</summary>
    public string? MessageType => Header(":message-type");

    /// <summary><c>:event-type</c> of an event (<c>messageStart</c>, <c>chunk</c>, ...).</summary>
    public string? EventType => Header(":event-type");

    /// <summary><c>:exception-type</c> of an exception (<c>throttlingException</c>, ...).</summary>
    public string? ExceptionType => Header(":exception-type");

    /// <summary>The value of the first string header named <paramref name="name"/>.</summary>
    public string? Header(string name)
    {
        foreach (var header in Headers)
        {
            if (header.Name == name)
            {
                return header.StringValue;
            }
        }

        return null;
    }
}
