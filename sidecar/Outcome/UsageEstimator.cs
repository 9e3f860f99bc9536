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

    /// <summary>Past this, count a sample and scale: an estimate need not cost a whole megabyte of tokenizing.</summary>
    public const int MaxCountedChars = 256 * 1024;

    private static readonly ConcurrentDictionary<string, Tokenizer> ByEncoding = new(StringComparer.Ordinal);

    /// <summary>The estimated token count and the encoding used (with "~" when it only approximates the model's tokenizer).</summary>
    public static (long Tokens, string Method) Estimate(string text, string? model) => Estimate(Sample(text), text.Length, model);

    /// <summary>What an estimate of <paramref name="text"/> counts: all of it, or its first <see cref="MaxCountedChars"/> characters.</summary>
    public static string Sample(string text) => text.Length <= MaxCountedChars ? text : text[..MaxCountedChars];

    /// <summary>The estimate for a text of <paramref name="length"/> characters whose <see cref="Sample"/> is <paramref name="sample"/>.</summary>
    public static (long Tokens, string Method) Estimate(string sample, int length, string? model)
    {
        ArgumentNullException.ThrowIfNull(sample);
        var (encoding, exact) = EncodingFor(model);
        if (sample.Length == 0)
        {
            return (0, Describe(encoding, exact));
        }

        var tokens = ByEncoding.GetOrAdd(encoding, e => TiktokenTokenizer.CreateForEncoding(e)).CountTokens(sample);
        return (length <= sample.Length ? tokens : (long)Math.Round(tokens * (double)length / sample.Length), Describe(encoding, exact));
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
