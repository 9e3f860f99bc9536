namespace Tap.Sidecar.Streams.Gemini;

/// <summary>One candidate as merged from the chunks that carried its <c>index</c>.</summary>
internal sealed class GeminiCandidate(int index)
{
    public int Index { get; } = index;

    public string? Role { get; set; }

    public string? FinishReason { get; set; }

    public string? FinishMessage { get; set; }

    /// <summary>The latest <c>safetyRatings</c>, compacted: each chunk rates what the candidate says so far.</summary>
    public string? SafetyRatings { get; set; }

    public List<GeminiPart> Parts { get; } = [];

    /// <summary>The candidate's last part with content is a function call: <c>STOP</c> then means the model called tools.</summary>
    public bool EndsWithFunctionCall => Parts.LastOrDefault(p => !p.IsEmptyText)?.Kind == GeminiPartKind.FunctionCall;

    /// <summary>
    /// Appends streamed text to the candidate's last text part of the same kind, or starts a new part. A signature
    /// closes its part: Gemini sends it on the last part of a run, sometimes on an empty text part in a later chunk
    /// (https://ai.google.dev/gemini-api/docs/thought-signatures).
    /// </summary>
    public void AppendText(string text, bool thought, string? signature, TextBudget budget)
    {
        var last = Parts.Count == 0 ? null : Parts[^1];
        if (last is { Kind: GeminiPartKind.Text, ThoughtSignature: null } && last.Thought == thought)
        {
            budget.Append(last.Text, text);
            last.ThoughtSignature = signature;
            return;
        }

        if (text.Length == 0 && signature is null)
        {
            return;
        }

        var part = GeminiPart.ForText(thought, signature);
        budget.Append(part.Text, text);
        Parts.Add(part);
    }
}
