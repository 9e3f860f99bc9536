namespace Tap.Sidecar.Streams.BedrockConverse;

/// <summary>What one ConverseStream event meant to the aggregator.</summary>
internal enum ConverseEventKind
{
    /// <summary>Nothing the outcome depends on: a start, a stop of a block, an event type added after this was written.</summary>
    Other,

    /// <summary>A delta with text, reasoning or tool input: the first one is the first token.</summary>
    Token,

    /// <summary>messageStop: the answer is finished and its stop reason known.</summary>
    MessageStop,

    /// <summary>metadata: the last event, with the usage.</summary>
    Metadata,
}
