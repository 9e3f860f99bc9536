namespace Tap.Protocol;

/// <summary>The first element of every frame's payload. 1-63 flow from shim to sidecar, 64 and up back.</summary>
internal enum MessageType
{
    Hello = 1,
    Start = 2,
    Response = 3,
    Chunk = 4,
    Signal = 5,
    End = 6,
    Loss = 7,
    HelloReply = 64,
    Ack = 65,
    Error = 66,
}
