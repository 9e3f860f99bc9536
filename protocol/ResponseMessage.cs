using MessagePack;

namespace Tap.Protocol;

/// <summary>The upstream's response head.</summary>
[MessagePackObject]
internal sealed class ResponseMessage() : ExecutionMessage(MessageType.Response)
{
    [Key(3)]
    public int StatusCode { get; set; }

    [Key(4)]
    public string? ContentType { get; set; }
}
