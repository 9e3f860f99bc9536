namespace Tap.Sidecar.Streams.AwsEventStream;

/// <summary>
/// The value types of an event-stream header, by their wire code
/// (https://docs.aws.amazon.com/transcribe/latest/dg/event-stream.html, "Header value types").
/// </summary>
internal enum EventStreamHeaderType : byte
{
    BoolTrue = 0,
    BoolFalse = 1,
    Byte = 2,
    Short = 3,
    Integer = 4,
    Long = 5,
    ByteArray = 6,
    String = 7,
    Timestamp = 8,
    Uuid = 9,
}
