namespace Tap.Sidecar.Streams;

/// <summary>
/// Finish reasons normalized across formats (docs/outcomes.md, "Finish reasons"). The provider's own words
/// are kept beside them in the record.
/// </summary>
internal static class FinishReasons
{
    /// <summary>The model finished its answer (or reached a stop sequence).</summary>
    public const string Stop = "stop";

    /// <summary>A token limit cut the answer short.</summary>
    public const string Length = "length";

    /// <summary>The model stopped to call tools.</summary>
    public const string ToolCalls = "tool_calls";

    /// <summary>A safety, recitation, blocklist or content filter stopped the answer.</summary>
    public const string ContentFilter = "content_filter";

    /// <summary>The model refused.</summary>
    public const string Refusal = "refusal";

    /// <summary>The provider paused a long turn to be continued (Anthropic pause_turn).</summary>
    public const string Pause = "pause";

    /// <summary>The provider reported an error as the finish reason.</summary>
    public const string Error = "error";

    /// <summary>Any reason not above.</summary>
    public const string Other = "other";
}
