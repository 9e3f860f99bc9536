using MessagePack;

namespace Tap.Protocol;

/// <summary>
/// A frame's payload: the two-element MessagePack array <c>[type, body]</c>, where body is an array whose
/// index is the field key. Readers ignore trailing fields they do not know and default missing ones.
/// </summary>
internal abstract class ProtocolMessage(MessageType type)
{
    [IgnoreMember]
    public MessageType Type { get; } = type;
}
