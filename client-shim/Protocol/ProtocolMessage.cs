using MessagePack;

namespace Tap.Shim.Protocol;

/// <summary>
/// A frame's payload: the two-element MessagePack array <c>[type, body]</c>, where body is an array whose
/// index is the field key. Readers ignore trailing fields they do not know and default missing ones.
/// </summary>
[Union((int)MessageType.Hello, typeof(HelloMessage))]
[Union((int)MessageType.Start, typeof(StartMessage))]
[Union((int)MessageType.Response, typeof(ResponseMessage))]
[Union((int)MessageType.Chunk, typeof(ChunkMessage))]
[Union((int)MessageType.Signal, typeof(SignalMessage))]
[Union((int)MessageType.End, typeof(EndMessage))]
[Union((int)MessageType.HelloReply, typeof(HelloReplyMessage))]
[Union((int)MessageType.Ack, typeof(AckMessage))]
[Union((int)MessageType.Error, typeof(ErrorMessage))]
internal abstract class ProtocolMessage
{
    [IgnoreMember]
    public abstract MessageType Type { get; }
}
