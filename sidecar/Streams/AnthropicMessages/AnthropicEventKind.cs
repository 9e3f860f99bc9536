namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>What one streamed event meant to the aggregator.</summary>
internal enum AnthropicEventKind
{
    /// <summary>Nothing the outcome depends on: a ping, a block start, an event type added after this code was written.</summary>
    Other,

    /// <summary>A delta with text, thinking or tool input: the first one is the first token.</summary>
    Token,

    /// <summary>message_stop: the terminal event.</summary>
    MessageStop,

    /// <summary>An error event: it ends the stream.</summary>
    Error,
}
