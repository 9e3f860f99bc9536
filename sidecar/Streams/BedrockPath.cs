using Tap.Protocol;

namespace Tap.Sidecar.Streams;

/// <summary>
/// Bedrock's runtime paths, <c>/model/{modelId}/converse</c>, <c>/converse-stream</c>, <c>/invoke</c> and
/// <c>/invoke-with-response-stream</c>: they name the API in their last segment (so that <c>/v1/conversations</c> is not
/// one) and the model in the segment after <c>/model/</c>, since a Bedrock request body carries no model.
/// </summary>
internal static class BedrockPath
{
    private const string ModelSegment = "/model/";

    /// <summary>The format the path names; null when it is not a Bedrock runtime path. InvokeModel's body is the model's own; the only one Tap reads is Anthropic's.</summary>
    public static string? Format(string? path) => Split(path) is { } parts
        ? parts.Operation.ToLowerInvariant() switch
        {
            "converse" or "converse-stream" => ApiFormats.BedrockConverse,
            "invoke" or "invoke-with-response-stream" => ApiFormats.BedrockInvokeAnthropic,
            _ => null,
        }
        : null;

    /// <summary>The model id or ARN the path names, URL-decoded (<c>anthropic.claude-sonnet-4-5-20250929-v1:0</c>); null when it is not a Bedrock runtime path.</summary>
    public static string? ModelId(string? path) =>
        Format(path) is not null && Split(path) is { Model.Length: > 0 } parts ? Uri.UnescapeDataString(parts.Model) : null;

    private static (string Model, string Operation)? Split(string? path)
    {
        if (path is null)
        {
            return null;
        }

        var query = path.IndexOf('?');
        var route = (query >= 0 ? path[..query] : path).TrimEnd('/');
        var model = route.IndexOf(ModelSegment, StringComparison.OrdinalIgnoreCase);
        var last = route.LastIndexOf('/');
        return model < 0 || last < model + ModelSegment.Length ? null : (route[(model + ModelSegment.Length)..last], route[(last + 1)..]);
    }
}
