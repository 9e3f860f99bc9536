using System.Text;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>
/// One part of a candidate's content as aggregated: text (an answer or, with <c>thought: true</c>, reasoning) merged
/// from consecutive chunks, one <c>functionCall</c>, or any other part kept verbatim.
/// </summary>
internal sealed class GeminiPart
{
    private GeminiPart(GeminiPartKind kind) => Kind = kind;

    public GeminiPartKind Kind { get; }

    public bool Thought { get; private init; }

    /// <summary>The text of a text part; empty for the other kinds.</summary>
    public StringBuilder Text { get; } = new();

    public string? FunctionId { get; private init; }

    public string? FunctionName { get; private init; }

    /// <summary>A function call's <c>args</c> object, or the whole part for <see cref="GeminiPartKind.Other"/>.</summary>
    public GeminiRawJson? Json { get; private init; }

    /// <summary>Kept only to be written back: a client needs it to continue the conversation.</summary>
    public string? ThoughtSignature { get; set; }

    /// <summary>A text part with nothing in it, such as the empty part a signature arrives on.</summary>
    public bool IsEmptyText => Kind == GeminiPartKind.Text && Text.Length == 0;

    public static GeminiPart ForText(bool thought, string? signature) =>
        new(GeminiPartKind.Text) { Thought = thought, ThoughtSignature = signature };

    public static GeminiPart ForFunctionCall(string? id, string? name, GeminiRawJson? args, string? signature) =>
        new(GeminiPartKind.FunctionCall) { FunctionId = id, FunctionName = name, Json = args, ThoughtSignature = signature };

    public static GeminiPart ForOther(GeminiRawJson part) => new(GeminiPartKind.Other) { Json = part };
}

internal enum GeminiPartKind
{
    Text,
    FunctionCall,
    Other,
}
