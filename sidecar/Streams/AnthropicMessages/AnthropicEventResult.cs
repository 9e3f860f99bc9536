namespace Tap.Sidecar.Streams.AnthropicMessages;

/// <summary>One streamed event read: its kind, the provider's message for an error event, the fault for malformed data.</summary>
internal readonly record struct AnthropicEventResult(AnthropicEventKind Kind, string? ErrorMessage = null, StreamFault? Fault = null);
