using System.Collections.Concurrent;
using Microsoft.ML.Tokenizers;

namespace Tap.Sidecar.Outcome;

/// <summary>
/// Counts tokens in generated text with OpenAI's own tokenizers: o200k_base or cl100k_base as the model
/// uses. Other providers do not publish theirs; for them o200k_base is a documented approximation
/// (docs/outcomes.md, "Usage when no final usage arrives").
/// </summary>
internal static class UsageEstimator
{
    public const string O200kBase = "o200k_base";

    // Past this, count a sample and scale: an estimate need not cost a whole megabyte of tokenizing.
    private const int MaxCountedChars = 256 * 1024;

    private static readonly ConcurrentDictionary<string, Tokenizer> ByEncoding = new(StringComparer.Ordinal);

    /// <summary>The estimated token count and the encoding used (with "~" when it only approximates the model's tokenizer).</summary>
    public static (long Tokens, string Method) Estimate(string text, string? model)
    {
        var (encoding, exact) = EncodingFor(model);
        if (text.Length == 0)
        {
            return (0, Describe(encoding, exact));
        }

        var tokenizer = ByEncoding.GetOrAdd(encoding, e => TiktokenTokenizer.CreateForEncoding(e));
        if (text.Length <= MaxCountedChars)
        {
            return (tokenizer.CountTokens(text), Describe(encoding, exact));
        }

        var sample = tokenizer.CountTokens(text.AsSpan(0, MaxCountedChars));
        return ((long)Math.Round(sample * (double)text.Length / MaxCountedChars), Describe(encoding, exact));
    }

    private static (string Encoding, bool Exact) EncodingFor(string? model)
    {
        var name = model?.ToLowerInvariant() ?? "";
        if (name.StartsWith("gpt-4o", StringComparison.Ordinal) || name.StartsWith("chatgpt-4o", StringComparison.Ordinal)
            || name.StartsWith("gpt-4.1", StringComparison.Ordinal) || name.StartsWith("gpt-4.5", StringComparison.Ordinal)
            || name.StartsWith("gpt-5", StringComparison.Ordinal) || name.StartsWith("gpt-oss", StringComparison.Ordinal)
            || (name.Length > 1 && name[0] == 'o' && char.IsAsciiDigit(name[1])))
        {
            return (O200kBase, true);
        }

        if (name.StartsWith("gpt-4", StringComparison.Ordinal) || name.StartsWith("gpt-3.5", StringComparison.Ordinal))
        {
            return ("cl100k_base", true);
        }

        return (O200kBase, false);
    }

    private static string Describe(string encoding, bool exact) => exact ? encoding : "~" + encoding;
}
