using System.Text;

namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>One header of an event-stream message: its name, value type and value bytes as sent (big-endian numbers).</summary>
internal readonly record struct EventStreamHeader(string Name, EventStreamHeaderType Type, ReadOnlyMemory<byte> Value)
{
    /// <summary>The value of a string header (the parser has checked it is UTF-8); null for any other type.</summary>
    public string? StringValue => Type == EventStreamHeaderType.String ? Encoding.UTF8.GetString(Value.Span) : null;
}
