using MessagePack;

namespace Tap.Protocol;

/// <summary>Opens an execution: one upstream attempt of one request.</summary>
[MessagePackObject]
internal sealed class StartMessage() : ExecutionMessage(MessageType.Start)
{
    [Key(3)]
    public string? RequestId { get; set; }

    [Key(4)]
    public int Attempt { get; set; }

    /// <summary><c>openai-chat</c>, <c>openai-responses</c>, <c>anthropic-messages</c>, <c>gemini</c>, or null when unknown.</summary>
    [Key(5)]
    public string? ApiFormat { get; set; }

    [Key(6)]
    public string? Route { get; set; }

    [Key(7)]
    public string? Provider { get; set; }

    [Key(8)]
    public string? RequestedModel { get; set; }

    [Key(9)]
    public bool Stream { get; set; }

    [Key(10)]
    public string? RequestPath { get; set; }

    /// <summary>The request body, cut at the shim's cap; null unless forwarding bodies is enabled.</summary>
    [Key(11)]
    public byte[]? RequestBody { get; set; }

    [Key(12)]
    public bool RequestBodyTruncated { get; set; }

    /// <summary>The request's W3C <c>traceparent</c>, so the sidecar's span joins the gateway's trace; null when none.</summary>
    [Key(13)]
    public string? TraceParent { get; set; }

    /// <summary>The request's W3C <c>tracestate</c>; null when none.</summary>
    [Key(14)]
    public string? TraceState { get; set; }
}
