using System.Text.RegularExpressions;

namespace Tap.Sidecar.Pricing;

/// <summary>
/// The spellings of one model id: providers date their snapshots (<c>claude-sonnet-4-5-20250929</c>,
/// <c>gpt-4o-2024-08-06</c>), Gemini paths and gateways prefix them (<c>models/gemini-2.5-pro</c>,
/// <c>openai/gpt-4o</c>), Vertex AI versions them with '@'.
/// </summary>
internal static partial class ModelIds
{
    /// <summary>Lower case, without a provider prefix or a Vertex '@' version.</summary>
    public static string Normalize(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var id = model.Trim().ToLowerInvariant();
        var slash = id.LastIndexOf('/');
        if (slash >= 0)
        {
            id = id[(slash + 1)..];
        }

        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? id[..at] : id;
    }

    /// <summary>The names to look up, most specific first: the id as normalized, then without a dated snapshot suffix.</summary>
    public static IEnumerable<string> Candidates(string model)
    {
        var id = Normalize(model);
        yield return id;
        var undated = DatedSuffix().Replace(id, "");
        if (undated != id && undated.Length > 0)
        {
            yield return undated;
        }
    }

    // -20250929 (Anthropic), -2024-08-06 (OpenAI), -0613 (older OpenAI snapshots).
    [GeneratedRegex(@"-(\d{8}|\d{4}-\d{2}-\d{2}|\d{4})$", RegexOptions.CultureInvariant)]
    private static partial Regex DatedSuffix();
}
