using System.Text;
using Tap.Sidecar.Outcome;

namespace Tap.Sidecar.Streams.Gemini;

/// <summary>A GenerateContentResponse as merged so far, with what its finish reasons or prompt feedback imply.</summary>
internal sealed class GeminiResponse(TextBudget budget)
{
    public string? ResponseId { get; set; }

    public string? ModelVersion { get; set; }

    /// <summary>The latest <c>promptFeedback</c>, compacted.</summary>
    public string? PromptFeedback { get; set; }

    public string? BlockReason { get; set; }

    /// <summary>Vertex AI explains a block in <c>promptFeedback.blockReasonMessage</c>.</summary>
    public string? BlockReasonMessage { get; set; }

    /// <summary>The usage sent with the response's last chunk: final.</summary>
    public GeminiUsage? Usage { get; set; }

    /// <summary>The latest usage sent before the last chunk: a running count.</summary>
    public GeminiUsage? ProvisionalUsage { get; set; }

    public TextBudget Budget { get; } = budget;

    public SortedDictionary<int, GeminiCandidate> Candidates { get; } = [];

    /// <summary>The prompt was refused: no candidate will come (https://ai.google.dev/api/generate-content#PromptFeedback).</summary>
    public bool PromptBlocked => BlockReason is not null;

    public bool EveryCandidateFinished => Candidates.Count > 0 && Candidates.Values.All(c => c.FinishReason is not null);

    /// <summary>Nothing more belongs to the response: the prompt was blocked, or every candidate has finished.</summary>
    public bool Finished => PromptBlocked || EveryCandidateFinished;

    /// <summary>Incomplete when any candidate was cut short or produced no usable turn.</summary>
    public TerminalClass FinishClass =>
        Normalized().Any(r => GeminiFinishReasons.ClassOf(r) != TerminalClass.Completed) ? TerminalClass.Incomplete : TerminalClass.Completed;

    /// <summary>The worst any candidate says: a blocked prompt or an unusable turn fails, a cut answer is incomplete.</summary>
    public TerminalClass TerminalClass =>
        PromptBlocked || Normalized().Contains(FinishReasons.Error) ? TerminalClass.Failed : FinishClass;

    /// <summary>The provider's explanation of a failure: the block reason, or the failed candidate's reason and message.</summary>
    public string? FailureDetail
    {
        get
        {
            if (PromptBlocked)
            {
                return Join(BlockReason!, BlockReasonMessage);
            }

            var failed = Candidates.Values.FirstOrDefault(c => Normalize(c) == FinishReasons.Error);
            return failed is null ? null : Join(failed.FinishReason!, failed.FinishMessage);
        }
    }

    /// <summary>The distinct finish reasons in candidate order, comma-separated.</summary>
    public string? FinishReason
    {
        get
        {
            var reasons = Candidates.Values.Select(c => c.FinishReason).OfType<string>().Distinct().ToList();
            return reasons.Count == 0 ? null : string.Join(',', reasons);
        }
    }

    /// <summary>The most telling normalized reason: a failure, then a cut answer, then the first candidate's.</summary>
    public string? NormalizedFinishReason
    {
        get
        {
            var normalized = Normalized().ToList();
            return normalized.FirstOrDefault(r => r is FinishReasons.Error)
                ?? normalized.FirstOrDefault(r => r is FinishReasons.Length or FinishReasons.ContentFilter)
                ?? normalized.FirstOrDefault();
        }
    }

    public GeminiCandidate Candidate(int index)
    {
        if (!Candidates.TryGetValue(index, out var candidate))
        {
            candidate = new GeminiCandidate(index);
            Candidates.Add(index, candidate);
        }

        return candidate;
    }

    /// <summary>The whole body has arrived, so its last usage is final even when no element finished every candidate.</summary>
    public void CloseBody()
    {
        if (Usage is null)
        {
            (Usage, ProvisionalUsage) = (ProvisionalUsage, null);
        }
    }

    public string GeneratedText()
    {
        var text = new StringBuilder();
        foreach (var part in Candidates.Values.SelectMany(c => c.Parts))
        {
            text.Append(part.Text).Append(part.FunctionName);
            if (part.Kind == GeminiPartKind.FunctionCall)
            {
                text.Append(part.Json?.Text);
            }
        }

        return text.ToString();
    }

    private IEnumerable<string> Normalized() => Candidates.Values.Select(Normalize).OfType<string>();

    private static string? Normalize(GeminiCandidate candidate) =>
        candidate.FinishReason is { } reason ? GeminiFinishReasons.Normalize(reason, candidate.EndsWithFunctionCall) : null;

    private static string Join(string reason, string? message) => message is null ? reason : $"{reason}: {message}";
}
